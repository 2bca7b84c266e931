#include "link/voice_seal.hpp"

#include <cstddef>

namespace peerline::link {
namespace {

std::uint32_t rotl(std::uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }

void quarter_round(std::uint32_t* s, int a, int b, int c, int d) {
    s[a] += s[b]; s[d] ^= s[a]; s[d] = rotl(s[d], 16);
    s[c] += s[d]; s[b] ^= s[c]; s[b] = rotl(s[b], 12);
    s[a] += s[b]; s[d] ^= s[a]; s[d] = rotl(s[d], 8);
    s[c] += s[d]; s[b] ^= s[c]; s[b] = rotl(s[b], 7);
}

std::uint32_t little_endian(const std::uint8_t* p) {
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}

// RFC 8439 section 2.3: 20 rounds over the constants, key, counter and nonce, added back.
void block(const std::uint32_t* input, std::uint8_t* out) {
    std::uint32_t s[16];
    for (int i = 0; i < 16; ++i) s[i] = input[i];
    for (int round = 0; round < 10; ++round) {
        quarter_round(s, 0, 4, 8, 12);
        quarter_round(s, 1, 5, 9, 13);
        quarter_round(s, 2, 6, 10, 14);
        quarter_round(s, 3, 7, 11, 15);
        quarter_round(s, 0, 5, 10, 15);
        quarter_round(s, 1, 6, 11, 12);
        quarter_round(s, 2, 7, 8, 13);
        quarter_round(s, 3, 4, 9, 14);
    }
    for (int i = 0; i < 16; ++i) {
        const std::uint32_t v = s[i] + input[i];
        for (int b = 0; b < 4; ++b) out[4 * i + b] = std::uint8_t(v >> (8 * b));
    }
}

}  // namespace

void chacha20_xor(const SealKey& key, const SealNonce& nonce, std::uint32_t counter, std::string& bytes) {
    std::uint32_t input[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};  // "expand 32-byte k"
    for (int i = 0; i < 8; ++i) input[4 + i] = little_endian(key.data() + 4 * i);
    input[12] = counter;
    for (int i = 0; i < 3; ++i) input[13 + i] = little_endian(nonce.data() + 4 * i);
    std::uint8_t stream[64];
    for (std::size_t at = 0; at < bytes.size(); at += 64) {
        block(input, stream);
        ++input[12];
        const std::size_t n = bytes.size() - at < 64 ? bytes.size() - at : 64;
        for (std::size_t i = 0; i < n; ++i) bytes[at + i] = char(std::uint8_t(bytes[at + i]) ^ stream[i]);
    }
}

std::string seal_voice(const SealKey& key, std::string_view bytes) {
    std::string sealed(bytes);
    chacha20_xor(key, SealNonce{}, 0, sealed);
    return sealed;
}

std::string key_to_hex(const SealKey& key) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(64);
    for (auto b : key) {
        hex.push_back(digits[b >> 4]);
        hex.push_back(digits[b & 15]);
    }
    return hex;
}

bool key_from_hex(std::string_view hex, SealKey& key) {
    if (hex.size() != 64) return false;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < 32; ++i) {
        const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        key[i] = std::uint8_t(hi << 4 | lo);
    }
    return true;
}

}  // namespace peerline::link
