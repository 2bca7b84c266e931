// The voice wire of a data link (link/voice_link.hpp): a message survives the trip byte for
// byte, in parts as large as the link allows; everything a peer could send wrong is refused,
// typed.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "fake_world.hpp"
#include "link/data_link.hpp"
#include "link/voice_link.hpp"
#include "transfer/checksum.hpp"
#include "voice/limits.hpp"

using namespace peerline;
using namespace peerline::link;

namespace {

std::string ogg() { return testing::fixture("voice/opusenc-mono-24k.opus"); }

// Feeds a header and parts to `to`; returns the refusals it sent back.
std::vector<std::string> feed(VoiceLink& to, const std::string& header, const std::vector<std::string>& parts) {
    std::vector<std::string> refusals;
    auto reply = to.on_message(nlohmann::json::parse(header), voice::kMaxBytes);
    REQUIRE(reply.handled);
    if (reply.send) refusals.push_back(*reply.send);
    for (const auto& part : parts) {
        if (auto refused = to.on_part(part)) refusals.push_back(*refused);
    }
    return refusals;
}
std::vector<std::string> feed(VoiceLink& to, const VoiceLink::Wire& wire) { return feed(to, wire.header, wire.parts); }

std::string code_of(const std::string& refusal) { return nlohmann::json::parse(refusal).value("code", ""); }

}  // namespace

TEST_CASE("a voice message crosses the wire whole, in parts of the link's size", "[voice-link]") {
    const auto bytes = ogg();
    for (std::size_t part : {std::size_t{262144}, std::size_t{65536}, std::size_t{1024}}) {
        const auto wire = VoiceLink::encode("v1", bytes, voice::kMaxBytes, part);
        REQUIRE(wire.parts.size() == (bytes.size() + part - 1) / part);
        for (const auto& p : wire.parts) CHECK(p.size() <= part);
        CHECK(wire.header.size() < 200);

        VoiceLink sender, receiver;
        sender.sent("v1");
        CHECK(sender.awaiting_answers());
        CHECK(feed(receiver, wire).empty());
        auto arrivals = receiver.take_arrivals();
        REQUIRE(arrivals.size() == 1);
        CHECK(arrivals[0].id == "v1");
        CHECK(arrivals[0].bytes == bytes);

        CHECK_FALSE(sender.on_message(nlohmann::json::parse(VoiceLink::answer("v1", std::nullopt)), voice::kMaxBytes).send);
        auto outcomes = sender.take_outcomes();
        REQUIRE(outcomes.size() == 1);
        CHECK(outcomes[0].delivered);
        CHECK_FALSE(sender.awaiting_answers());
    }
}

TEST_CASE("part sizes are kept within bounds, the largest message fits, one byte more is not encoded", "[voice-link]") {
    const std::string most(voice::kMaxBytes, 'a');
    CHECK(VoiceLink::encode("big", most, voice::kMaxBytes, 1u << 30).parts.front().size() == kMaxVoicePartBytes);
    CHECK(VoiceLink::encode("big", most, voice::kMaxBytes, 10).parts.front().size() == kMinVoicePartBytes);
    VoiceLink receiver;
    CHECK(feed(receiver, VoiceLink::encode("big", most, voice::kMaxBytes, 65536)).empty());
    CHECK(receiver.take_arrivals().at(0).bytes.size() == voice::kMaxBytes);
    CHECK(VoiceLink::encode("big", most + "a", voice::kMaxBytes, 65536).parts.empty());
}

TEST_CASE("what a peer can get wrong on the voice wire is refused with a code", "[voice-link]") {
    const auto bytes = ogg();
    const auto wire = VoiceLink::encode("v1", bytes, voice::kMaxBytes, 2048);
    REQUIRE(wire.parts.size() >= 3);
    auto header = nlohmann::json::parse(wire.header);

    SECTION("a header that announces more than a voice message may be") {
        header["size"] = voice::kMaxBytes + 1;
        header["parts"] = (voice::kMaxBytes + 2048) / 2048;
        VoiceLink r;
        auto refusals = feed(r, header.dump(), {});
        REQUIRE(refusals.size() == 1);
        CHECK(code_of(refusals[0]) == voice_refusal::kTooLarge);
    }
    SECTION("a header with a wrong part count or size, no checksum, or no id") {
        for (const char* broken : {"parts", "partBytes", "xxh3", "id"}) {
            auto h = header;
            if (std::string(broken) == "parts") h["parts"] = 99;
            else if (std::string(broken) == "partBytes") h["partBytes"] = 100;  // under the minimum
            else h.erase(broken);
            VoiceLink r;
            auto refusals = feed(r, h.dump(), {});
            REQUIRE(refusals.size() == 1);
            CHECK(code_of(refusals[0]) == voice_refusal::kMalformed);
        }
    }
    SECTION("a part without its header") {
        VoiceLink r;
        auto refused = r.on_part(wire.parts[0]);
        REQUIRE(refused);
        CHECK(code_of(*refused) == voice_refusal::kOutOfOrder);
    }
    SECTION("a part of the wrong length: short, long, or more than the header said") {
        for (int how = 0; how < 3; ++how) {
            std::vector<std::string> parts = wire.parts;
            if (how == 0) parts[1].pop_back();
            if (how == 1) parts[1] += "x";
            if (how == 2) parts.back() += std::string(4096, 'z');
            VoiceLink r;
            auto refusals = feed(r, wire.header, parts);
            REQUIRE(!refusals.empty());
            CHECK(code_of(refusals[0]) == voice_refusal::kMalformed);
            CHECK(r.take_arrivals().empty());
        }
    }
    SECTION("bytes that are not the ones the checksum names") {
        std::vector<std::string> parts = wire.parts;
        parts[1][7] ^= 0x20;
        VoiceLink r;
        auto refusals = feed(r, wire.header, parts);
        REQUIRE(refusals.size() == 1);
        CHECK(code_of(refusals[0]) == voice_refusal::kChecksum);
        CHECK(r.take_arrivals().empty());
    }
    SECTION("a message cut off by a new header is dropped, the new one arrives") {
        VoiceLink r;
        CHECK(feed(r, wire.header, {wire.parts[0]}).empty());
        const auto second = VoiceLink::encode("v2", bytes, voice::kMaxBytes, 65536);
        CHECK(feed(r, second).empty());
        auto arrivals = r.take_arrivals();
        REQUIRE(arrivals.size() == 1);
        CHECK(arrivals[0].id == "v2");
    }
}

TEST_CASE("the sender hears refusals, a lost link and a send() that threw", "[voice-link]") {
    VoiceLink sender;
    const auto answer = [&](const std::string& id, std::optional<Error> e) {
        sender.on_message(nlohmann::json::parse(VoiceLink::answer(id, std::move(e))), voice::kMaxBytes);
    };
    for (const char* id : {"a", "b", "c", "d", "e"}) sender.sent(id);
    answer("a", make_error("voice-not-opus", "not Ogg Opus"));
    answer("b", make_error(voice_refusal::kDuplicate, "already here"));
    answer("zz", std::nullopt);  // an answer for a message we are not waiting for
    const auto wire_c = VoiceLink::encode("c", "bytes", voice::kMaxBytes, 65536);
    CHECK(sender.on_send_failed(wire_c.header, false, "OperationError: send queue is full").failed == "c");
    CHECK(sender.on_send_failed("OggS\x00\x02", true, "OperationError: a part").failed == "e");  // a part: the newest message
    CHECK_FALSE(sender.on_send_failed(R"({"type":"chat","id":"m1","text":"hi"})", false, "x").ours);
    sender.fail_unanswered("the connection closed");
    auto outcomes = sender.take_outcomes();
    REQUIRE(outcomes.size() == 5);
    CHECK_FALSE(outcomes[0].delivered);
    CHECK(outcomes[0].answered);
    CHECK(outcomes[0].reason == "refused by their page: not Ogg Opus");
    CHECK(outcomes[1].delivered);  // they had it already: our ack was lost, not the message
    CHECK(outcomes[2].id == "c");
    CHECK(outcomes[2].reason == "OperationError: send queue is full");
    CHECK_FALSE(outcomes[2].answered);
    CHECK(outcomes[3].id == "e");
    CHECK(outcomes[3].reason == "OperationError: a part");
    CHECK(outcomes[4].id == "d");
    CHECK(outcomes[4].reason == "the connection closed");
    CHECK_FALSE(sender.awaiting_answers());
}
