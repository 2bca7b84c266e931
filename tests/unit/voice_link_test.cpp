// The voice wire of a data link (link/voice_link.hpp) and the base64 it rides on: a message
// survives the trip byte for byte; everything a peer could send wrong is refused, typed.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "base64.hpp"
#include "fake_world.hpp"
#include "link/data_link.hpp"
#include "link/voice_link.hpp"
#include "transfer/checksum.hpp"
#include "voice/limits.hpp"

using namespace peerline;
using namespace peerline::link;

namespace {

std::string ogg() { return testing::fixture("voice/opusenc-mono-24k.opus"); }

// Feeds every wire message to `to`; returns the refusals it sent back.
std::vector<std::string> feed(VoiceLink& to, const std::vector<std::string>& wire) {
    std::vector<std::string> refusals;
    for (const auto& text : wire) {
        auto reply = to.on_message(nlohmann::json::parse(text), voice::kMaxBytes);
        REQUIRE(reply.handled);
        if (reply.send) refusals.push_back(*reply.send);
    }
    return refusals;
}

std::string code_of(const std::string& refusal) { return nlohmann::json::parse(refusal).value("code", ""); }

}  // namespace

TEST_CASE("base64 round-trips every length and refuses anything but one canonical text", "[voice-link]") {
    for (std::size_t n = 0; n < 70; ++n) {
        std::string bytes;
        for (std::size_t i = 0; i < n; ++i) bytes += static_cast<char>(i * 37 + n);
        const auto text = base64::encode(bytes);
        CHECK(text.size() == (n + 2) / 3 * 4);
        CHECK(base64::decode(text) == bytes);
    }
    CHECK(base64::encode("Ma") == "TWE=");
    CHECK(base64::decode("TWE=") == std::string("Ma"));
    CHECK_FALSE(base64::decode("TWF"));    // not a multiple of 4
    CHECK_FALSE(base64::decode("TW=="+std::string("AAAA")));  // padding before the end
    CHECK_FALSE(base64::decode("TWF="));   // bits left over under the pad
    CHECK_FALSE(base64::decode("T=E="));
    CHECK_FALSE(base64::decode("TW\nE"));
    CHECK_FALSE(base64::decode("TWE-"));   // base64url is not this alphabet
}

TEST_CASE("a voice message crosses the wire whole, in parts that fit a control message", "[voice-link]") {
    const auto bytes = ogg();
    const auto wire = VoiceLink::encode("v1", bytes, voice::kMaxBytes);
    REQUIRE(wire.size() == 1 + (bytes.size() + kVoicePartBytes - 1) / kVoicePartBytes);
    for (const auto& text : wire) CHECK(text.size() <= kMaxControlBytes);

    VoiceLink sender, receiver;
    sender.sent("v1");
    CHECK(sender.awaiting_answers());
    CHECK(feed(receiver, wire).empty());
    auto arrivals = receiver.take_arrivals();
    REQUIRE(arrivals.size() == 1);
    CHECK(arrivals[0].id == "v1");
    CHECK(arrivals[0].bytes == bytes);

    feed(sender, {VoiceLink::answer("v1", std::nullopt)});
    auto outcomes = sender.take_outcomes();
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].delivered);
    CHECK_FALSE(sender.awaiting_answers());
    // An answer for a message we are not waiting for changes nothing.
    feed(sender, {VoiceLink::answer("v9", std::nullopt)});
    CHECK(sender.take_outcomes().empty());
}

TEST_CASE("the largest message fits, one byte more is not even encoded", "[voice-link]") {
    const std::string most(voice::kMaxBytes, 'a');
    const auto wire = VoiceLink::encode("big", most, voice::kMaxBytes);
    for (const auto& text : wire) CHECK(text.size() <= kMaxControlBytes);
    VoiceLink receiver;
    CHECK(feed(receiver, wire).empty());
    CHECK(receiver.take_arrivals().at(0).bytes.size() == voice::kMaxBytes);
    CHECK(VoiceLink::encode("big", most + "a", voice::kMaxBytes).empty());
}

TEST_CASE("what a peer can get wrong on the voice wire is refused with a code", "[voice-link]") {
    const auto bytes = ogg();
    const auto wire = VoiceLink::encode("v1", bytes, voice::kMaxBytes);
    REQUIRE(wire.size() >= 2);
    auto header = nlohmann::json::parse(wire[0]);

    SECTION("a header that announces more than a voice message may be") {
        header["size"] = voice::kMaxBytes + 1;
        header["parts"] = (voice::kMaxBytes + kVoicePartBytes) / kVoicePartBytes;
        VoiceLink r;
        auto refusals = feed(r, {header.dump()});
        REQUIRE(refusals.size() == 1);
        CHECK(code_of(refusals[0]) == voice_refusal::kTooLarge);
    }
    SECTION("a header with a wrong part count, no checksum, or no id") {
        for (const char* broken : {"parts", "xxh3", "id"}) {
            auto h = header;
            if (std::string(broken) == "parts") h["parts"] = 99; else h.erase(broken);
            VoiceLink r;
            auto refusals = feed(r, {h.dump()});
            REQUIRE(refusals.size() == 1);
            CHECK(code_of(refusals[0]) == voice_refusal::kMalformed);
        }
    }
    SECTION("a part without its header, or a part skipped") {
        VoiceLink r;
        auto refusals = feed(r, {wire[1]});
        REQUIRE(refusals.size() == 1);
        CHECK(code_of(refusals[0]) == voice_refusal::kOutOfOrder);
        if (wire.size() > 2) {
            VoiceLink r2;
            auto skipped = feed(r2, {wire[0], wire[2]});
            REQUIRE(skipped.size() == 1);
            CHECK(code_of(skipped[0]) == voice_refusal::kOutOfOrder);
        }
    }
    SECTION("a part that claims more bytes than the header, or is not base64") {
        auto part = nlohmann::json::parse(wire.back());
        part["data"] = base64::encode(std::string(kVoicePartBytes, 'z'));
        std::vector<std::string> w(wire.begin(), wire.end() - 1);
        w.push_back(part.dump());
        VoiceLink r;
        auto refusals = feed(r, w);
        REQUIRE(refusals.size() == 1);
        CHECK(code_of(refusals[0]) == voice_refusal::kMalformed);
        CHECK(r.take_arrivals().empty());
        auto garbled = nlohmann::json::parse(wire[1]);
        garbled["data"] = "not base64!";
        VoiceLink r2;
        CHECK(code_of(feed(r2, {wire[0], garbled.dump()}).at(0)) == voice_refusal::kMalformed);
    }
    SECTION("bytes that are not the ones the checksum names") {
        header["xxh3"] = transfer::to_hex(transfer::digest_of("something else"));
        std::vector<std::string> w = wire;
        w[0] = header.dump();
        VoiceLink r;
        auto refusals = feed(r, w);
        REQUIRE(refusals.size() == 1);
        CHECK(code_of(refusals[0]) == voice_refusal::kChecksum);
        CHECK(r.take_arrivals().empty());
    }
    SECTION("a message cut off by a new header is dropped, the new one arrives") {
        VoiceLink r;
        const auto three_parts = VoiceLink::encode("v1", std::string(2 * kVoicePartBytes + 5, 'q'), voice::kMaxBytes);
        REQUIRE(three_parts.size() == 4);
        auto second = VoiceLink::encode("v2", bytes, voice::kMaxBytes);
        std::vector<std::string> w{three_parts[0], three_parts[1]};
        w.insert(w.end(), second.begin(), second.end());
        CHECK(feed(r, w).empty());
        auto arrivals = r.take_arrivals();
        REQUIRE(arrivals.size() == 1);
        CHECK(arrivals[0].id == "v2");
    }
}

TEST_CASE("the sender hears refusals, a lost link and a send() that threw", "[voice-link]") {
    VoiceLink sender;
    for (const char* id : {"a", "b", "c", "d"}) sender.sent(id);
    feed(sender, {VoiceLink::answer("a", make_error("voice-not-opus", "not Ogg Opus"))});
    feed(sender, {VoiceLink::answer("b", make_error(voice_refusal::kDuplicate, "already here"))});
    const auto wire_c = VoiceLink::encode("c", "bytes", voice::kMaxBytes);
    CHECK(sender.on_send_failed(wire_c[1], "OperationError: send queue is full"));
    CHECK_FALSE(sender.on_send_failed(R"({"type":"chat","id":"m1","text":"hi"})", "x"));
    sender.fail_unanswered("the connection closed");
    auto outcomes = sender.take_outcomes();
    REQUIRE(outcomes.size() == 4);
    CHECK_FALSE(outcomes[0].delivered);
    CHECK(outcomes[0].answered);
    CHECK(outcomes[0].reason == "refused by their page: not Ogg Opus");
    CHECK(outcomes[1].delivered);  // they had it already: our ack was lost, not the message
    CHECK(outcomes[2].reason == "OperationError: send queue is full");
    CHECK_FALSE(outcomes[2].answered);
    CHECK(outcomes[3].id == "d");
    CHECK(outcomes[3].reason == "the connection closed");
    CHECK_FALSE(sender.awaiting_answers());
}
