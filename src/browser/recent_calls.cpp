#include "recent_calls.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <emscripten/bind.h>

#include "dom.hpp"
#include "shell.hpp"

namespace peerline::browser::recent_calls {
namespace {

// One row per entry, kept while the entry is listed: a new call adds a row above the others and
// moves none of them, so keyboard and screen-reader focus stays on the entry it was on (a row
// per place would keep focus on the place while another entry slid under it).
struct Row {
    std::string key;  // which entry this row shows: when, whom, which way
    int serial = 0;   // names the row to its click handler and its reason text, for its life
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
int next_serial = 0;

std::string key_of(const RecentCall& c) {
    return std::to_string(c.at_ms) + (c.incoming ? "<" : ">") + c.peer_name + "/" + c.peer_device;
}

Row make_row(std::string key, int serial) {
    Row r{std::move(key), serial,
          dom::element("li", "recent-call"), dom::svg_element("use"), dom::element("span", "recent-name"),
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
    const std::string reason_id = "recentReason" + std::to_string(serial);
    r.reason.set("id", text(reason_id));
    r.back.set("type", val("button"));
    r.back.call<void>("setAttribute", val("aria-describedby"), text(reason_id));
    r.back.call<void>("append", dom::icon("i-phone"));
    dom::listen(r.back, "click", "onCallBackClick", serial);
    r.item.call<void>("append", direction, label, r.back, r.reason);
    return r;
}

void on_call_back_click(int serial, val) {
    if (!list) return;
    const auto& rows = list->rows;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (rows[i].serial != serial) continue;
        dispatch(CallBackIntent{static_cast<int>(i), val::global("Date").call<double>("now")});
        return;
    }
}

// The rows for `calls`, in order: a listed entry keeps its row, a new one gets a new row, the
// rows of entries no longer listed leave the page.
std::vector<Row> rows_for(List& l, const std::vector<RecentCall>& calls) {
    std::vector<Row> next;
    next.reserve(calls.size());
    for (const RecentCall& c : calls) {
        std::string key = key_of(c);
        auto kept = std::find_if(l.rows.begin(), l.rows.end(), [&](const Row& r) { return r.key == key; });
        if (kept != l.rows.end()) {
            next.push_back(std::move(*kept));
            l.rows.erase(kept);
        } else {
            next.push_back(make_row(std::move(key), next_serial++));
        }
    }
    for (Row& gone : l.rows) gone.item.call<void>("remove");
    return next;
}

// Puts the rows' elements in order, inserting only where an element is not already in place:
// rows kept in the same relative order are never moved (moving an element drops its focus).
void place(List& l) {
    val children = l.list["children"];
    for (std::size_t i = 0; i < l.rows.size(); ++i) {
        val here = children[i];
        if (here.isUndefined() || !here.strictlyEquals(l.rows[i].item))
            l.list.call<void>("insertBefore", l.rows[i].item, here.isUndefined() ? val::null() : here);
    }
}

}  // namespace

void attach() { list.emplace(); }

void render(const View& view) {
    if (!list) return;
    List& l = *list;
    const auto& calls = view.recent;
    // Most renders (a transfer's progress, a call's timer) leave the list as it was.
    const bool same_entries = l.rows.size() == calls.size() &&
                              std::equal(calls.begin(), calls.end(), l.rows.begin(),
                                         [](const RecentCall& c, const Row& r) { return key_of(c) == r.key; });
    if (!same_entries) {
        l.rows = rows_for(l, calls);
        place(l);
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
