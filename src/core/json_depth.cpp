#include "json_depth.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

namespace peerline {

bool json_nests_deeper_than(std::string_view text, int limit) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;  // skip the escaped character
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit) return true;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return false;
}

namespace {

// A recursive-descent validator over [pos, end). Recursion is bounded by max_depth, so a
// hostile document cannot exhaust the stack; every read checks the end first.
class Scanner {
public:
    Scanner(std::string_view text, int max_depth) : text_(text), max_depth_(max_depth) {}

    bool object_at_top(JsonMembers& out) {
        skip_space();
        if (!peek('{')) return false;
        if (!object(1, &out)) return false;
        skip_space();
        return pos_ == text_.size();
    }

private:
    bool at_end() const { return pos_ >= text_.size(); }
    unsigned char byte() const { return static_cast<unsigned char>(text_[pos_]); }
    bool peek(char c) const { return !at_end() && text_[pos_] == c; }

    void skip_space() {
        while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                             text_[pos_] == '\r')) {
            ++pos_;
        }
    }

    bool value(int depth) {
        if (at_end()) return false;
        switch (text_[pos_]) {
            case '{': return object(depth + 1, nullptr);
            case '[': return array(depth + 1);
            case '"': return string();
            case 't': return literal("true");
            case 'f': return literal("false");
            case 'n': return literal("null");
            default: return number();
        }
    }

    // At '{'. `out` collects members at the top level only.
    bool object(int depth, JsonMembers* out) {
        if (depth > max_depth_) return false;
        ++pos_;
        skip_space();
        if (peek('}')) {
            ++pos_;
            return true;
        }
        for (;;) {
            skip_space();
            if (!peek('"')) return false;
            const std::size_t key_begin = pos_;
            if (!string()) return false;
            const std::string_view key = text_.substr(key_begin + 1, pos_ - key_begin - 2);
            skip_space();
            if (!peek(':')) return false;
            ++pos_;
            skip_space();
            const std::size_t value_begin = pos_;
            if (!value(depth)) return false;
            if (out) {
                if (out->count == JsonMembers::kCapacity) return false;
                out->items[out->count++] = {key, text_.substr(value_begin, pos_ - value_begin)};
            }
            skip_space();
            if (peek(',')) {
                ++pos_;
                continue;
            }
            if (!peek('}')) return false;
            ++pos_;
            return true;
        }
    }

    bool array(int depth) {
        if (depth > max_depth_) return false;
        ++pos_;
        skip_space();
        if (peek(']')) {
            ++pos_;
            return true;
        }
        for (;;) {
            skip_space();
            if (!value(depth)) return false;
            skip_space();
            if (peek(',')) {
                ++pos_;
                continue;
            }
            if (!peek(']')) return false;
            ++pos_;
            return true;
        }
    }

    bool literal(std::string_view word) {
        if (text_.substr(pos_, word.size()) != word) return false;
        pos_ += word.size();
        return true;
    }

    // RFC 8259 §6: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    bool number() {
        const std::size_t begin = pos_;
        if (peek('-')) ++pos_;
        if (at_end() || !is_digit(byte())) return false;
        if (peek('0')) {
            ++pos_;
        } else {
            while (!at_end() && is_digit(byte())) ++pos_;
        }
        bool integer = true;
        if (peek('.')) {
            integer = false;
            ++pos_;
            if (at_end() || !is_digit(byte())) return false;
            while (!at_end() && is_digit(byte())) ++pos_;
        }
        if (peek('e') || peek('E')) {
            integer = false;
            ++pos_;
            if (peek('+') || peek('-')) ++pos_;
            if (at_end() || !is_digit(byte())) return false;
            while (!at_end() && is_digit(byte())) ++pos_;
        }
        // nlohmann reads a number that fits no 64-bit integer as a double and refuses one that
        // overflows it ("number overflow"): do the same. 18 digits always fit an int64.
        const std::size_t length = pos_ - begin;
        if (integer && length <= 18) return true;
        const std::string copy(text_.substr(begin, length));  // strtod needs a terminator
        return std::isfinite(std::strtod(copy.c_str(), nullptr));
    }

    // At '"'. Leaves pos_ after the closing quote.
    bool string() {
        ++pos_;
        for (;;) {
            if (at_end()) return false;
            const unsigned char c = byte();
            if (c == '"') {
                ++pos_;
                return true;
            }
            if (c < 0x20) return false;  // control characters must be escaped
            if (c == '\\') {
                if (!escape()) return false;
            } else if (c < 0x80) {
                ++pos_;
            } else if (!utf8_sequence()) {
                return false;
            }
        }
    }

    // At '\\'.
    bool escape() {
        ++pos_;
        if (at_end()) return false;
        const char c = text_[pos_++];
        switch (c) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                return true;
            case 'u': break;
            default: return false;
        }
        int unit = hex4();
        if (unit < 0) return false;
        if (unit >= 0xDC00 && unit <= 0xDFFF) return false;  // a low surrogate alone
        if (unit >= 0xD800 && unit <= 0xDBFF) {              // must be followed by a low one
            if (!peek('\\')) return false;
            ++pos_;
            if (!peek('u')) return false;
            ++pos_;
            unit = hex4();
            if (unit < 0xDC00 || unit > 0xDFFF) return false;
        }
        return true;
    }

    int hex4() {
        if (text_.size() - pos_ < 4) return -1;
        int value = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = text_[pos_++];
            int digit;
            if (c >= '0' && c <= '9') digit = c - '0';
            else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
            else return -1;
            value = value * 16 + digit;
        }
        return value;
    }

    // Well-formed UTF-8 (Unicode 15, table 3-7): no overlongs, no surrogates, <= U+10FFFF.
    bool utf8_sequence() {
        const unsigned char lead = byte();
        unsigned char low = 0x80, high = 0xBF;  // range of the first continuation byte
        int continuation;
        if (lead >= 0xC2 && lead <= 0xDF) continuation = 1;
        else if (lead == 0xE0) continuation = 2, low = 0xA0;
        else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) continuation = 2;
        else if (lead == 0xED) continuation = 2, high = 0x9F;
        else if (lead == 0xF0) continuation = 3, low = 0x90;
        else if (lead >= 0xF1 && lead <= 0xF3) continuation = 3;
        else if (lead == 0xF4) continuation = 3, high = 0x8F;
        else return false;
        ++pos_;
        for (int i = 0; i < continuation; ++i) {
            if (at_end()) return false;
            const unsigned char c = byte();
            if (c < low || c > high) return false;
            low = 0x80, high = 0xBF;
            ++pos_;
        }
        return true;
    }

    static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

    std::string_view text_;
    int max_depth_;
    std::size_t pos_ = 0;
};

}  // namespace

bool scan_json_object(std::string_view text, int max_depth, JsonMembers& out) {
    out.count = 0;
    return Scanner(text, max_depth).object_at_top(out);
}

}  // namespace peerline
