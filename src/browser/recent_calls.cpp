#include "recent_calls.hpp"

#include <optional>
#include <string>
#include <vector>

#include <emscripten/bind.h>

#include "dom.hpp"
#include "shell.hpp"

namespace peerline::browser::recent_calls {
namespace {

// One row per place in the list (newest first): a new call shifts what the rows show, but
// never rebuilds them, so focus stays where it was.
struct Row {
    val item, direction_use, name, what, when, back, reason;
    dom::Text name_text, what_text, when_text, reason_text;
    dom::Attribute missed, direction_href, back_name, back_tip;
    dom::Flag back_disabled;
};

struct List {
    val section = dom::by_id("recent");
    val list = dom::by_id("recentList");
    val missed = dom::by_id("recentMissed");
    dom::Flag section_hidden, missed_hidden;
    dom::Text missed_text;
    std::vector<Row> rows;
};

std::optional<List> list;

Row make_row(int index) {
    Row r{dom::element("li", "recent-call"), dom::svg_element("use"), dom::element("span", "recent-name"),
          dom::element("span", "recent-what"), dom::element("span", "recent-when"),
          dom::element("button", "recent-back icon-button"), dom::element("span", "visually-hidden"),
          {}, {}, {}, {}, {}, {}, {}, {}, {}};
    val direction = dom::svg_element("svg");
    direction.call<void>("setAttribute", val("class"), val("icon recent-direction"));
    direction.call<void>("setAttribute", val("aria-hidden"), val("true"));
    direction.call<void>("append", r.direction_use);
    val label = dom::element("span", "recent-label");
    val line = dom::element("span", "recent-line");
    line.call<void>("append", r.what, r.when);
    label.call<void>("append", r.name, line);
    // The reason a call back is not possible now describes the (disabled) button.
    const std::string reason_id = "recentReason" + std::to_string(index);
    r.reason.set("id", text(reason_id));
    r.back.set("type", val("button"));
    r.back.call<void>("setAttribute", val("aria-describedby"), text(reason_id));
    r.back.call<void>("append", dom::icon("i-phone"));
    dom::listen(r.back, "click", "onCallBackClick", index);
    r.item.call<void>("append", direction, label, r.back, r.reason);
    return r;
}

void on_call_back_click(int index, val) {
    dispatch(CallBackIntent{index, val::global("Date").call<double>("now")});
}

}  // namespace

void attach() { list.emplace(); }

void render(const View& view) {
    if (!list) return;
    List& l = *list;
    const auto& calls = view.recent;
    while (l.rows.size() < calls.size()) {
        l.rows.push_back(make_row(static_cast<int>(l.rows.size())));
        l.list.call<void>("append", l.rows.back().item);
    }
    while (l.rows.size() > calls.size()) {
        l.rows.back().item.call<void>("remove");
        l.rows.pop_back();
    }
    for (std::size_t i = 0; i < calls.size(); ++i) {
        const RecentCall& c = calls[i];
        Row& r = l.rows[i];
        r.missed.set(r.item, "data-missed", c.missed ? "true" : "false");
        r.direction_href.set(r.direction_use, "href", c.incoming ? "#i-call-in" : "#i-call-out");
        r.name_text.set(r.name, c.peer_name);
        r.what_text.set(r.what, c.summary);
        r.when_text.set(r.when, dom::when(c.at_ms));
        const std::string name = "Call back " + c.peer_name;
        r.back_name.set(r.back, "aria-label", name);
        r.back_tip.set(r.back, "title", c.can_call_back ? name : c.call_back_reason);
        r.back_disabled.set(r.back, "disabled", !c.can_call_back);
        r.reason_text.set(r.reason, c.call_back_reason);
    }
    l.section_hidden.set(l.section, "hidden", calls.empty());
    l.missed_text.set(l.missed, std::to_string(view.recent_missed) + " missed");
    l.missed_hidden.set(l.missed, "hidden", view.recent_missed == 0);
}

EMSCRIPTEN_BINDINGS(peerline_recent_calls) {
    emscripten::function("onCallBackClick", &on_call_back_click);
}

}  // namespace peerline::browser::recent_calls
