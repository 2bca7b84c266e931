#include "payloads.hpp"

#include <random>
#include <string_view>

namespace peerline::ws::test {

std::string random_bytes(std::size_t size, std::uint32_t seed) {
    std::mt19937 random(seed);
    std::string out(size, '\0');
    for (auto& byte : out) byte = static_cast<char>(random() & 0xFF);
    return out;
}

std::string utf8_text(std::size_t size) {
    static constexpr std::string_view kCharacters[] = {"a", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"};
    std::string out;
    out.reserve(size);
    for (std::size_t i = 0;; ++i) {
        const auto next = kCharacters[i % 4];
        if (out.size() + next.size() > size) break;
        out.append(next);
    }
    out.append(size - out.size(), 'z');
    return out;
}

}  // namespace peerline::ws::test
