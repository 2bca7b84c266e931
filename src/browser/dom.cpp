#include "dom.hpp"

#include <vector>

namespace peerline::browser::dom {

val document() { return val::global("document"); }

val by_id(const char* id) { return document().call<val>("getElementById", val(id)); }

val element(const char* tag, const char* class_name) {
    val made = document().call<val>("createElement", val(tag));
    if (class_name) made.set("className", val(class_name));
    return made;
}

val svg_element(const char* tag) {
    return document().call<val>("createElementNS", val("http://www.w3.org/2000/svg"), val(tag));
}

val icon(const char* symbol) {
    val svg = svg_element("svg");
    svg.call<void>("setAttribute", val("class"), val("icon"));
    svg.call<void>("setAttribute", val("aria-hidden"), val("true"));
    val use = svg_element("use");
    use.call<void>("setAttribute", val("href"), val(std::string("#") + symbol));
    svg.call<void>("append", use);
    return svg;
}

// "7 Dec, 14:05" in the reader's own locale and time zone.
// One formatter for the page: making one per card costs more than the card itself.
std::string when(double at_ms) {
    if (at_ms <= 0) return "";
    static val format = [] {
        val options = val::object();
        options.set("dateStyle", val("medium"));
        options.set("timeStyle", val("short"));
        return val::global("Intl")["DateTimeFormat"].new_(val::undefined(), options);
    }();
    return format.call<std::string>("format", at_ms);
}

namespace {
// Length in bytes of the UTF-8 sequence that starts with `lead`.
std::size_t sequence_length(unsigned char lead) {
    if (lead >= 0xF0) return 4;
    if (lead >= 0xE0) return 3;
    if (lead >= 0xC0) return 2;
    return 1;
}
}  // namespace

std::string initials(const std::string& name) {
    std::vector<std::string> letters;
    bool at_word_start = true;
    for (std::size_t i = 0; i < name.size() && letters.size() < 2;) {
        const std::size_t length = sequence_length(static_cast<unsigned char>(name[i]));
        const bool space = name[i] == ' ' || name[i] == '\t' || name[i] == '-';
        if (!space && at_word_start) letters.push_back(name.substr(i, length));
        at_word_start = space;
        i += length;
    }
    if (letters.empty()) return "?";
    return letters.size() == 1 ? letters[0] : letters[0] + letters[1];
}

}  // namespace peerline::browser::dom
