#include "stats_panel.hpp"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <optional>
#include <string>

#include "dom.hpp"

namespace peerline::browser::stats_panel {
namespace {

constexpr double kWidth = 160, kHeight = 36;
constexpr double kSamples = 60;  // stats_limits::kHistoryLength: the x axis is one minute

struct Panel {
    val region = dom::by_id("statsPanel");
    val line = dom::by_id("statsLine");
    val svg = dom::svg_element("svg");
    val in = dom::svg_element("polyline");
    val out = dom::svg_element("polyline");
    dom::Text line_text;
    dom::Flag hidden;
    dom::Attribute in_points, out_points, label;
};

std::optional<Panel> panel;

std::string number(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f", v);
    return buffer;
}

// Newest sample at the right edge; older ones scroll left.
std::string points(const std::deque<double>& history, double top) {
    std::string s;
    const double step = kWidth / (kSamples - 1);
    double x = kWidth - step * (static_cast<double>(history.size()) - 1);
    for (double v : history) {
        const double y = kHeight - 1 - (kHeight - 2) * std::clamp(v / top, 0.0, 1.0);
        if (!s.empty()) s += ' ';
        s += number(x) + "," + number(y);
        x += step;
    }
    return s;
}

void set(val& node, const char* name, const std::string& value) {
    node.call<void>("setAttribute", val(name), text(value));
}

}  // namespace

void attach() {
    panel.emplace();
    Panel& p = *panel;
    set(p.svg, "viewBox", "0 0 " + number(kWidth) + " " + number(kHeight));
    set(p.svg, "width", number(kWidth));
    set(p.svg, "height", number(kHeight));
    set(p.svg, "role", "img");
    set(p.in, "class", "spark-in");
    set(p.out, "class", "spark-out");
    for (val* line : {&p.in, &p.out}) {
        set(*line, "fill", "none");
        set(*line, "stroke-width", "1.5");
        p.svg.call<void>("append", *line);
    }
    dom::by_id("sparkline").call<void>("append", p.svg);
}

void render(const CallPanel& call) {
    if (!panel) return;
    Panel& p = *panel;
    const bool shown = call.stats_open && (call.phase == CallPhase::connected || call.phase == CallPhase::reconnecting);
    p.hidden.set(p.region, "hidden", !shown);
    if (!shown) return;
    p.line_text.set(p.line, call.stats_line.empty() ? "Measuring…" : call.stats_line);
    double top = 1;
    for (double v : call.bitrate_in_history) top = std::max(top, v);
    for (double v : call.bitrate_out_history) top = std::max(top, v);
    p.in_points.set(p.in, "points", points(call.bitrate_in_history, top));
    p.out_points.set(p.out, "points", points(call.bitrate_out_history, top));
    const auto last = [](const std::deque<double>& h) { return h.empty() ? 0.0 : h.back(); };
    p.label.set(p.svg, "aria-label",
                "Bitrate over the last minute: now " + number(last(call.bitrate_in_history)) +
                    " kb/s in, " + number(last(call.bitrate_out_history)) + " kb/s out");
}

}  // namespace peerline::browser::stats_panel
