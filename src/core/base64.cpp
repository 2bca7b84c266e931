#include "base64.hpp"

#include <array>
#include <cstdint>

namespace peerline::base64 {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> reverse_table() {
    std::array<std::int8_t, 256> t{};
    for (auto& v : t) v = -1;
    for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
    return t;
}
constexpr auto kReverse = reverse_table();

}  // namespace

std::string encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8 |
                                static_cast<unsigned char>(bytes[i + 2]);
        out += kAlphabet[n >> 18 & 63];
        out += kAlphabet[n >> 12 & 63];
        out += kAlphabet[n >> 6 & 63];
        out += kAlphabet[n & 63];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
        if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        out += kAlphabet[n >> 18 & 63];
        out += kAlphabet[n >> 12 & 63];
        out += rest == 2 ? kAlphabet[n >> 6 & 63] : '=';
        out += '=';
    }
    return out;
}

std::optional<std::string> decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        const int pads = last ? (text[i + 3] == '=') + (text[i + 2] == '=') : 0;
        if (pads == 1 && text[i + 2] == '=') return std::nullopt;  // "x=y=" style
        std::uint32_t n = 0;
        for (int k = 0; k < 4 - pads; ++k) {
            const int v = kReverse[static_cast<unsigned char>(text[i + k])];
            if (v < 0) return std::nullopt;
            n |= static_cast<std::uint32_t>(v) << (18 - 6 * k);
        }
        out += static_cast<char>(n >> 16 & 0xFF);
        if (pads < 2) out += static_cast<char>(n >> 8 & 0xFF);
        if (pads < 1) out += static_cast<char>(n & 0xFF);
        // Bits below the last byte must be zero: no two texts for the same bytes.
        if ((pads == 1 && (n & 0xFF) != 0) || (pads == 2 && (n & 0xFFFF) != 0)) return std::nullopt;
    }
    return out;
}

}  // namespace peerline::base64
