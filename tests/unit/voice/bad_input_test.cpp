// Whatever a peer sends, decoding ends in audio or in one of the typed errors, never a crash:
// truncation, damage caught by the Ogg CRC, damage behind a valid CRC, and a seeded sweep of
// random mutations.
#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "ogg_pages.hpp"
#include "signals.hpp"
#include "voice/decoder.hpp"
#include "voice/inspect.hpp"

using namespace peerline::voice;
using namespace peerline::voice::test;

namespace {

const std::string& valid_file() {
    static const std::string file = encode_in_frames(speech_like(3.0));
    return file;
}

std::string decode_error(const std::string& bytes) {
    auto decoded = decode_ogg_opus(bytes);
    return decoded.ok() ? "ok" : decoded.error().code;
}

}  // namespace

TEST_CASE("bytes that are not Ogg Opus are refused as not-opus") {
    CHECK(decode_error("") == "voice-not-opus");
    CHECK(decode_error("RIFF\x24\0\0\0WAVEfmt ") == "voice-not-opus");
    auto pages = split_pages(valid_file());
    pages[0].body.replace(0, 8, "OpusHeaX");  // e.g. Vorbis or Speex in Ogg
    CHECK(decode_error(join_pages(pages)) == "voice-not-opus");
}

TEST_CASE("a file cut short is refused as truncated, wherever it is cut") {
    const std::string& file = valid_file();
    for (std::size_t length : {std::size_t{4}, std::size_t{30}, file.size() / 3, file.size() / 2, file.size() - 1}) {
        INFO("length " << length);
        CHECK(decode_error(file.substr(0, length)) == "voice-truncated");
    }
    // Cut exactly between pages: every page is whole but the end-of-stream page is missing.
    auto pages = split_pages(file);
    pages.pop_back();
    CHECK(decode_error(join_pages(pages)) == "voice-truncated");
}

TEST_CASE("damage is refused as corrupt: a failed CRC, a missing page, a broken header") {
    std::string flipped = valid_file();
    flipped[flipped.size() / 2] ^= 0x40;
    CHECK(decode_error(flipped) == "voice-corrupt");

    auto pages = split_pages(valid_file());
    REQUIRE(pages.size() >= 4);
    auto missing = pages;
    missing.erase(missing.begin() + 2);
    CHECK(decode_error(join_pages(missing)) == "voice-corrupt");

    auto short_head = pages;
    short_head[0].body.resize(12);
    short_head[0].header.back() = 12;  // one lacing value: the packet is now 12 bytes
    CHECK(decode_error(join_pages(short_head)) == "voice-corrupt");
}

TEST_CASE("oversized and overlong messages are refused before decoding") {
    std::string huge = valid_file();
    huge.resize(kMaxBytes + 1);
    CHECK(decode_error(huge) == "voice-too-large");
    CHECK(inspect(huge).error().code == "voice-too-large");

    // A final granule position claiming over a minute (valid CRC): refused by its length.
    auto pages = split_pages(valid_file());
    const std::uint64_t granule = 61ull * 48000;
    for (int i = 0; i < 8; ++i) pages.back().header[6 + i] = static_cast<char>((granule >> (8 * i)) & 0xff);
    CHECK(decode_error(join_pages(pages)) == "voice-too-long");
}

TEST_CASE("stereo with a channel mapping table or a future header version is unsupported") {
    auto pages = split_pages(valid_file());
    auto family = pages;
    family[0].body[18] = 1;  // mapping family 1 (surround)
    CHECK(decode_error(join_pages(family)) == "voice-unsupported");
    auto version = pages;
    version[0].body[8] = 16;
    CHECK(decode_error(join_pages(version)) == "voice-unsupported");
}

TEST_CASE("random damage behind valid CRCs ends in audio or a typed error") {
    const std::set<std::string> known{"ok", "voice-truncated", "voice-not-opus", "voice-too-long",
                                      "voice-too-large", "voice-corrupt", "voice-unsupported"};
    const auto pages = split_pages(encode_in_frames(speech_like(1.0)));
    std::mt19937 random(8);  // seeded: the same 600 mutants every run
    std::set<std::string> seen;
    for (int round = 0; round < 600; ++round) {
        auto mutant = pages;
        const int edits = 1 + static_cast<int>(random() % 8);
        for (int e = 0; e < edits; ++e) {
            OggPage& page = mutant[random() % mutant.size()];
            std::string& part = (random() % 4 == 0) ? page.header : page.body;
            if (part.empty()) continue;
            part[random() % part.size()] = static_cast<char>(random());
        }
        const std::string code = decode_error(join_pages(mutant));
        INFO("round " << round);
        REQUIRE(known.count(code) == 1);
        seen.insert(code);
    }
    CHECK(seen.count("ok") == 1);             // damaged audio packets still play
    CHECK(seen.count("voice-corrupt") == 1);  // and broken structure is caught
}
