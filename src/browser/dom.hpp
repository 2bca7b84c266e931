// DOM building blocks shared by the parts of the page: element lookup and creation, and small
// "write only what changed" holders so screen readers hear a change once and focus is never
// disturbed by a redraw. Text goes in with textContent, never as markup.
#pragma once

#include <optional>
#include <string>

#include "js.hpp"

namespace peerline::browser::dom {

val document();
val by_id(const char* id);
// createElement(tag) with an optional class; createElementNS for SVG.
val element(const char* tag, const char* class_name = nullptr);
val svg_element(const char* tag);
// One of the page's own icons (index.html's sprite), e.g. icon("i-video"); hidden from screen
// readers: the element that holds it carries the name.
val icon(const char* symbol);
// target.addEventListener(type, the C++ export `handler` bound to `bound...`).
template <typename... Bound>
void listen(const val& target, const char* type, const char* handler, Bound&&... bound) {
    target.call<void>("addEventListener", val(type), callback(handler, std::forward<Bound>(bound)...));
}

// "7 Dec, 14:05" in the reader's own locale and time zone; "" for no time (0).
std::string when(double at_ms);

// Up to two initials of a UTF-8 name ("Ada Lovelace" -> "AL"), for avatars.
std::string initials(const std::string& name);

struct Text {
    std::optional<std::string> shown;
    void set(val& node, const std::string& now) {
        if (shown == now) return;
        node.set("textContent", text(now));
        shown = now;
    }
};
struct Flag {  // a boolean property: hidden, disabled, muted, …
    std::optional<bool> shown;
    void set(val& node, const char* property, bool now) {
        if (shown == now) return;
        node.set(property, now);
        shown = now;
    }
};
struct Attribute {
    std::optional<std::string> shown;
    void set(val& node, const char* name, const std::string& now) {
        if (shown == now) return;
        node.call<void>("setAttribute", val(name), text(now));
        shown = now;
    }
};

}  // namespace peerline::browser::dom
