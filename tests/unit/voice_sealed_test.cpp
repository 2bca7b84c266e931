// Voice messages sent while their maker listens back (docs/voice.md "Sent while you listen
// back"): the recording travels sealed (ChaCha20, a key used once) before Send, the listener's
// page cannot list or play it until the opening brings the key, a discarded one is never
// opened, and a page that never said it takes sealed messages gets the plain path.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "call_helpers.hpp"
#include "link/data_link.hpp"
#include "link/voice_link.hpp"
#include "voice/limits.hpp"

using namespace peerline;
using namespace peerline::link;
using namespace peerline::testing;

namespace {

std::string ogg() { return fixture("voice/opusenc-mono-24k.opus"); }

SealKey key_of(std::uint8_t first) {
    SealKey key{};
    for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(first + i);
    return key;
}

// Sends a control text to `to`; returns what it answered (nullopt: nothing).
std::optional<std::string> text(VoiceLink& to, const std::string& message) {
    auto reply = to.on_message(nlohmann::json::parse(message), voice::kMaxBytes);
    REQUIRE(reply.handled);
    return reply.send;
}

void parts(VoiceLink& to, const VoiceLink::Wire& wire) {
    REQUIRE_FALSE(text(to, wire.header));
    for (const auto& p : wire.parts) REQUIRE_FALSE(to.on_part(p));
}

std::string code_of(const std::string& refusal) { return nlohmann::json::parse(refusal).value("code", ""); }

std::string control_texts(const FakeWorld& w, int client) {
    std::string all;
    for (const auto& t : w.actions<SendChannelText>(client)) all += t.text + "\n";
    return all;
}

std::string key_bytes(const SealKey& key) { return std::string(key.begin(), key.end()); }

// Ada's call to Bob was declined and she recorded a message: the link opened while she spoke.
struct Recorded {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    Recorded() {
        call(w, ada, bob);
        w.send(bob, DeclineIntent{});
        w.send(ada, VoiceRecordingStarted{w.id(bob)});
    }
};

}  // namespace

TEST_CASE("a sealed message is held unlisted until its opening, then arrives byte for byte", "[voice-sealed]") {
    const auto bytes = ogg();
    const auto key = key_of(7);
    const auto wire = VoiceLink::seal("p1", bytes, key, voice::kMaxBytes, 2048);
    CHECK(wire.header.find("xxh3") == std::string::npos);  // no checksum of the recording before Send
    CHECK(wire.header.find(R"("sealed":true)") != std::string::npos);
    std::string sent;
    for (const auto& p : wire.parts) sent += p;
    CHECK(sent.size() == bytes.size());
    CHECK(sent != bytes);
    CHECK(sent.find("OggS") == std::string::npos);

    VoiceLink receiver;
    parts(receiver, wire);
    CHECK(receiver.take_arrivals().empty());

    // A plain message between the sealed one and its opening goes on as usual.
    parts(receiver, VoiceLink::encode("v0", bytes, voice::kMaxBytes, 4096));
    CHECK(receiver.take_arrivals().size() == 1);

    CHECK_FALSE(text(receiver, VoiceLink::opening("p1", "v1", key, bytes)));
    auto arrivals = receiver.take_arrivals();
    REQUIRE(arrivals.size() == 1);
    CHECK(arrivals[0].id == "v1");
    CHECK(arrivals[0].bytes == bytes);
    // Opened once: the same opening again finds nothing.
    CHECK(code_of(*text(receiver, VoiceLink::opening("p1", "v1", key, bytes))) == voice_refusal::kNotSealed);
}

TEST_CASE("openings that do not fit what arrived are refused, typed", "[voice-sealed]") {
    const auto bytes = ogg();
    const auto key = key_of(1);
    const auto wire = VoiceLink::seal("p1", bytes, key, voice::kMaxBytes, 2048);

    SECTION("the wrong key: the opened bytes fail the recording's checksum") {
        VoiceLink receiver;
        parts(receiver, wire);
        CHECK(code_of(*text(receiver, VoiceLink::opening("p1", "v1", key_of(2), bytes))) == voice_refusal::kChecksum);
        CHECK(receiver.take_arrivals().empty());
    }
    SECTION("an opening for a sealed message that never arrived whole") {
        VoiceLink receiver;
        REQUIRE_FALSE(text(receiver, wire.header));
        REQUIRE_FALSE(receiver.on_part(wire.parts[0]));
        CHECK(code_of(*text(receiver, VoiceLink::opening("p1", "v1", key, bytes))) == voice_refusal::kNotSealed);
        CHECK(code_of(*text(receiver, VoiceLink::opening("p9", "v1", key, bytes))) == voice_refusal::kNotSealed);
    }
    SECTION("malformed openings") {
        VoiceLink receiver;
        parts(receiver, wire);
        for (const char* bad : {R"({"type":"voice-open","id":"v1"})",
                                R"({"type":"voice-open","sealed":"p1","id":"v1","key":"zz","xxh3":"00000000000000000000000000000000"})",
                                R"({"type":"voice-open","sealed":"p1","id":"v1","key":7,"xxh3":"00"})"}) {
            INFO(bad);
            CHECK(code_of(*text(receiver, bad)) == voice_refusal::kMalformed);
        }
        // The sealed message is still there for a good opening.
        CHECK_FALSE(text(receiver, VoiceLink::opening("p1", "v1", key, bytes)));
        CHECK(receiver.take_arrivals().size() == 1);
    }
    SECTION("a withdrawn message cannot be opened, whole or half-arrived") {
        VoiceLink receiver;
        parts(receiver, wire);
        CHECK_FALSE(text(receiver, VoiceLink::withdrawal("p1")));
        CHECK(code_of(*text(receiver, VoiceLink::opening("p1", "v1", key, bytes))) == voice_refusal::kNotSealed);

        REQUIRE_FALSE(text(receiver, wire.header));
        REQUIRE_FALSE(receiver.on_part(wire.parts[0]));
        CHECK_FALSE(text(receiver, VoiceLink::withdrawal("p1")));
        // The rest of its parts now have no header: refused as out of order, never kept.
        CHECK(code_of(*receiver.on_part(wire.parts[1])) == voice_refusal::kOutOfOrder);
        CHECK(receiver.take_arrivals().empty());
    }
}

TEST_CASE("a page learns from the other's features that it takes sealed messages", "[voice-sealed]") {
    VoiceLink link;
    CHECK_FALSE(link.peer_takes_sealed());
    CHECK_FALSE(text(link, R"({"type":"voice-features","sealed":"yes"})"));  // only `true` says so
    CHECK_FALSE(link.peer_takes_sealed());
    CHECK(code_of(*text(link, R"({"type":"voice","id":"p1","size":10,"partBytes":1024,"parts":1,"sealed":1})")) ==
          voice_refusal::kMalformed);  // not sealed, and no checksum
    CHECK_FALSE(link.peer_takes_sealed());
    CHECK_FALSE(text(link, VoiceLink::features()));
    CHECK(link.peer_takes_sealed());
}

TEST_CASE("the recording travels sealed while Ada listens back, and Send releases only the key", "[voice-sealed]") {
    Recorded r;
    auto& w = r.w;
    const auto bytes = ogg();
    const auto key = key_of(40);
    w.send(r.ada, VoiceMessagePrepared{w.id(r.bob), bytes, key_bytes(key)});

    // The bytes went, sealed: Bob's page lists nothing and holds nothing it could play.
    std::string sealed;
    for (const auto& b : w.actions<SendChannelBinary>(r.ada)) {
        if (b.channel == kControlChannel) sealed += b.bytes;
    }
    CHECK(sealed == seal_voice(key, bytes));
    CHECK(w.view(r.bob).voice.received.empty());
    CHECK(w.voice_store(r.bob).empty());
    const auto binary_before = w.count<SendChannelBinary>(r.ada);

    w.send(r.ada, VoiceMessageRecorded{w.id(r.bob), bytes, 1.7e12});
    CHECK(w.count<SendChannelBinary>(r.ada) == binary_before);  // nothing sent twice
    CHECK(control_texts(w, r.ada).find(R"("type":"voice-open")") != std::string::npos);
    CHECK(w.view(r.ada).voice.outbox.state == voice_mail::Outbox::State::delivered);
    const auto& received = w.view(r.bob).voice.received;
    REQUIRE(received.size() == 1);
    CHECK(received[0].from_name == "Ada");
    CHECK(w.voice_store(r.bob).at(received[0].key).bytes == bytes);
}

TEST_CASE("a discarded or re-recorded message is never opened, and Send of other bytes goes plainly", "[voice-sealed]") {
    const auto bytes = ogg();
    SECTION("discarded") {
        Recorded r;
        auto& w = r.w;
        w.send(r.ada, VoiceMessagePrepared{w.id(r.bob), bytes, key_bytes(key_of(1))});
        w.send(r.ada, VoiceMessageWithdrawn{w.id(r.bob)});
        CHECK(control_texts(w, r.ada).find(R"({"sealed":"p1","type":"voice-withdrawn"})") != std::string::npos);
        CHECK(control_texts(w, r.ada).find("voice-open") == std::string::npos);
        CHECK(w.view(r.bob).voice.received.empty());
    }
    SECTION("recorded again") {
        Recorded r;
        auto& w = r.w;
        w.send(r.ada, VoiceMessagePrepared{w.id(r.bob), bytes, key_bytes(key_of(1))});
        w.send(r.ada, VoiceRecordingStarted{w.id(r.bob)});
        CHECK(control_texts(w, r.ada).find(R"("sealed":"p1")") != std::string::npos);
        CHECK(w.view(r.bob).voice.received.empty());
    }
    SECTION("Send with other bytes than were prepared") {
        Recorded r;
        auto& w = r.w;
        w.send(r.ada, VoiceMessagePrepared{w.id(r.bob), bytes + std::string(10, '\0'), key_bytes(key_of(1))});
        w.send(r.ada, VoiceMessageRecorded{w.id(r.bob), bytes, 1.7e12});
        const auto texts = control_texts(w, r.ada);
        CHECK(texts.find("voice-withdrawn") != std::string::npos);
        CHECK(texts.find("voice-open") == std::string::npos);
        REQUIRE(w.view(r.bob).voice.received.size() == 1);
        CHECK(w.voice_store(r.bob).begin()->second.bytes == bytes);
    }
    SECTION("a key that is not 32 bytes sends nothing ahead") {
        Recorded r;
        auto& w = r.w;
        const auto binary_before = w.count<SendChannelBinary>(r.ada);
        w.send(r.ada, VoiceMessagePrepared{w.id(r.bob), bytes, "short"});
        CHECK(w.count<SendChannelBinary>(r.ada) == binary_before);
        w.send(r.ada, VoiceMessageRecorded{w.id(r.bob), bytes, 1.7e12});
        CHECK(w.view(r.bob).voice.received.size() == 1);
    }
}

TEST_CASE("with no link open when recording stops, Send takes the plain path", "[voice-sealed]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    call(w, ada, bob);
    w.send(bob, DeclineIntent{});
    // No VoiceRecordingStarted: no link was opened for it.
    w.send(ada, VoiceMessagePrepared{w.id(bob), ogg(), key_bytes(key_of(3))});
    CHECK(w.count<SendChannelBinary>(ada) == 0);
    w.send(ada, VoiceMessageRecorded{w.id(bob), ogg(), 1.7e12});
    CHECK(control_texts(w, ada).find("voice-open") == std::string::npos);
    CHECK(w.view(bob).voice.received.size() == 1);
}

TEST_CASE("a listener who left before Send gets no opening: the message waits, as a plain one would", "[voice-sealed]") {
    Recorded r;
    auto& w = r.w;
    const std::string bob_id = w.id(r.bob);
    w.send(r.ada, VoiceMessagePrepared{bob_id, ogg(), key_bytes(key_of(5))});
    w.leave(r.bob);
    w.send(r.ada, VoiceMessageRecorded{bob_id, ogg(), 1.7e12});
    CHECK(control_texts(w, r.ada).find("voice-open") == std::string::npos);
    CHECK(w.view(r.ada).voice.outbox.state == voice_mail::Outbox::State::waiting);
    REQUIRE(w.view(r.ada).voice.unsent.size() == 1);
}
