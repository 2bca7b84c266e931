// The voice seal's ChaCha20 against RFC 8439's own vector and, for many keys, nonces, counters
// and lengths, against OpenSSL's ChaCha20 (an independent implementation on this machine).
#include <openssl/evp.h>

#include <catch2/catch.hpp>
#include <random>

#include "link/voice_seal.hpp"

using namespace peerline::link;

namespace {

std::string openssl_chacha20(const SealKey& key, const SealNonce& nonce, std::uint32_t counter, const std::string& in) {
    // OpenSSL's 16-byte IV is the 32-bit block counter (little-endian) followed by the nonce.
    unsigned char iv[16];
    for (int b = 0; b < 4; ++b) iv[b] = static_cast<unsigned char>(counter >> (8 * b));
    for (int i = 0; i < 12; ++i) iv[4 + i] = nonce[i];
    std::string out(in.size(), '\0');
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    int written = 0;
    REQUIRE(EVP_EncryptInit_ex(ctx, EVP_chacha20(), nullptr, key.data(), iv) == 1);
    REQUIRE(EVP_EncryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &written,
                              reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size())) == 1);
    EVP_CIPHER_CTX_free(ctx);
    REQUIRE(written == static_cast<int>(in.size()));
    return out;
}

}  // namespace

TEST_CASE("ChaCha20 gives RFC 8439's section 2.4.2 ciphertext", "[voice-seal]") {
    SealKey key;
    for (int i = 0; i < 32; ++i) key[i] = static_cast<std::uint8_t>(i);
    const SealNonce nonce{0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0};
    std::string text = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
                       "sunscreen would be it.";
    const std::string plain = text;
    chacha20_xor(key, nonce, 1, text);
    const unsigned char start[] = {0x6e, 0x2e, 0x35, 0x9a, 0x25, 0x68, 0xf9, 0x80,
                                   0x41, 0xba, 0x07, 0x28, 0xdd, 0x0d, 0x69, 0x81};
    CHECK(text.substr(0, 16) == std::string(reinterpret_cast<const char*>(start), 16));
    CHECK(text == openssl_chacha20(key, nonce, 1, plain));
    chacha20_xor(key, nonce, 1, text);
    CHECK(text == plain);
}

TEST_CASE("ChaCha20 equals OpenSSL's for random keys, nonces, counters and lengths", "[voice-seal]") {
    std::mt19937 random(20261207);
    for (std::size_t length : {0u, 1u, 63u, 64u, 65u, 1000u, 16384u, 183054u}) {
        SealKey key;
        SealNonce nonce;
        for (auto& b : key) b = static_cast<std::uint8_t>(random());
        for (auto& b : nonce) b = static_cast<std::uint8_t>(random());
        const std::uint32_t counter = random() % 1000;
        std::string bytes(length, '\0');
        for (auto& c : bytes) c = static_cast<char>(random());
        std::string ours = bytes;
        chacha20_xor(key, nonce, counter, ours);
        INFO("length " << length);
        CHECK(ours == openssl_chacha20(key, nonce, counter, bytes));
        if (length >= 64) CHECK(ours != bytes);
    }
}

TEST_CASE("a sealed voice message opens only with its key, and the key survives the wire", "[voice-seal]") {
    SealKey key{}, other{};
    key[0] = 1;
    other[0] = 2;
    const std::string ogg = "OggS" + std::string(5000, 'x');
    const auto sealed = seal_voice(key, ogg);
    CHECK(sealed.size() == ogg.size());
    CHECK(sealed.find("OggS") == std::string::npos);
    CHECK(open_voice(key, sealed) == ogg);
    CHECK(open_voice(other, sealed) != ogg);

    SealKey back{};
    REQUIRE(key_from_hex(key_to_hex(key), back));
    CHECK(back == key);
    CHECK(key_to_hex(key).size() == 64);
    CHECK_FALSE(key_from_hex(std::string(63, 'a'), back));
    CHECK_FALSE(key_from_hex(std::string(64, 'A'), back));  // lowercase only, as written
    CHECK_FALSE(key_from_hex(std::string(62, 'a') + "g0", back));
}
