// Voice messages between Apps through the fake relay (issue 8): who may leave one, how it travels
// as a binary frame, what the receiver lists and keeps, and every refusal. The message is a real
// Ogg Opus file made by opusenc (tests/fixtures/voice).
#include <catch2/catch.hpp>

#include "call_helpers.hpp"
#include "voice_mail.hpp"

using namespace peerline;
using namespace peerline::testing;

namespace {

std::string message_file() { return fixture("voice/opusenc-mono-24k.opus"); }

// Ada calls Bob and the call ends for `why`, from Bob's side.
void unanswered_call(FakeWorld& w, int ada, int bob, EndReason why) {
    call(w, ada, bob);
    if (why == EndReason::declined) w.send(bob, DeclineIntent{});
    if (why == EndReason::missed) REQUIRE(w.fire_timer(ada, 30000));
    REQUIRE(reason(w, ada) == why);
}

}  // namespace

TEST_CASE("the caller of a declined or missed call is offered a voice message; nobody else", "[voice-mail]") {
    for (auto why : {EndReason::declined, EndReason::missed}) {
        FakeWorld w;
        int ada = w.join("Ada");
        int bob = w.join("Bob");
        CHECK(w.view(ada).voice.offer_to.empty());
        unanswered_call(w, ada, bob, why);
        CHECK(w.view(ada).voice.offer_to == w.id(bob));
        CHECK(w.view(ada).voice.offer_to_name == "Bob");
        CHECK(w.view(bob).voice.offer_to.empty());  // the callee has nothing to leave

        // A new call takes the offer away.
        call(w, ada, bob);
        CHECK(w.view(ada).voice.offer_to.empty());
    }
}

TEST_CASE("a busy callee gets a voice message offer for the caller", "[voice-mail]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    int cy = w.join("Cy");
    connect(w, bob, cy);
    call(w, ada, bob);
    REQUIRE(reason(w, ada) == EndReason::busy);
    CHECK(w.view(ada).voice.offer_to == w.id(bob));
}

TEST_CASE("a call that was answered and hung up offers no voice message", "[voice-mail]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    connect(w, ada, bob);
    w.send(bob, HangUpIntent{});
    REQUIRE(reason(w, ada) == EndReason::hung_up);
    CHECK(w.view(ada).voice.offer_to.empty());
}

TEST_CASE("a voice message travels as one binary frame and is listed and kept by the receiver", "[voice-mail]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    unanswered_call(w, ada, bob, EndReason::declined);
    const std::string ogg = message_file();

    w.send(ada, VoiceMessageRecorded{w.id(bob), ogg});
    REQUIRE(w.count<SendBinaryToServer>(ada) == 1);
    CHECK(w.view(ada).voice.outbox.state == voice_mail::Outbox::State::sent);
    CHECK(w.view(ada).voice.outbox.to_name == "Bob");

    const auto& received = w.view(bob).voice.received;
    REQUIRE(received.size() == 1);
    CHECK(received[0].from == w.id(ada));
    CHECK(received[0].from_name == "Ada");
    CHECK(received[0].duration_s > 1.0);
    CHECK(received[0].duration_s < 3.0);
    const auto kept = w.actions<KeepVoiceMessage>(bob);
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].id == received[0].id);
    CHECK(kept[0].bytes == ogg);  // byte for byte: the download is the file that was sent
}

TEST_CASE("a voice message for someone who left fails with a notice; nothing is sent", "[voice-mail]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    unanswered_call(w, ada, bob, EndReason::declined);
    const std::string bob_id = w.id(bob);
    w.leave(bob);

    w.send(ada, VoiceMessageRecorded{bob_id, message_file()});
    CHECK(w.count<SendBinaryToServer>(ada) == 0);
    CHECK(w.view(ada).voice.outbox.state == voice_mail::Outbox::State::failed);
    CHECK(w.view(ada).voice.outbox.detail.find("no longer online") != std::string::npos);
}

TEST_CASE("a voice message while our own connection is down says so, and can be sent once back", "[voice-mail]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    unanswered_call(w, ada, bob, EndReason::declined);
    w.stop_server();
    w.send(ada, VoiceMessageRecorded{w.id(bob), message_file()});
    CHECK(w.count<SendBinaryToServer>(ada) == 0);
    CHECK(w.view(ada).voice.outbox.detail.find("you are offline") != std::string::npos);
    w.start_server();
    REQUIRE(w.fire_timer(bob, 500));  // the reconnect backoff, both back
    REQUIRE(w.fire_timer(ada, 500));
    REQUIRE(w.view(ada).online);
    w.send(ada, VoiceMessageRecorded{w.id(bob), message_file()});
    CHECK(w.count<SendBinaryToServer>(ada) == 1);
    CHECK(w.view(bob).voice.received.size() == 1);
}

TEST_CASE("the server's refusal of a sent message turns 'sent' into 'not delivered'", "[voice-mail]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    unanswered_call(w, ada, bob, EndReason::declined);
    w.send(ada, VoiceMessageRecorded{w.id(bob), message_file()});
    REQUIRE(w.view(ada).voice.outbox.state == voice_mail::Outbox::State::sent);
    // Bob left while the frame was on its way: the server answers unknown-peer about it.
    w.server_says(ada, R"({"type":"error","code":"unknown-peer","message":"Bob left","ref":"binary"})");
    CHECK(w.view(ada).voice.outbox.state == voice_mail::Outbox::State::failed);
    CHECK(w.view(ada).voice.outbox.detail == "Not delivered: Bob left");
    CHECK(w.view(ada).notice.empty());  // about the message, not a general error
}

TEST_CASE("a recording that is not Ogg Opus, or too large for the server, is refused before sending", "[voice-mail]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    unanswered_call(w, ada, bob, EndReason::declined);

    w.send(ada, VoiceMessageRecorded{w.id(bob), "not an ogg file"});
    CHECK(w.count<SendBinaryToServer>(ada) == 0);
    CHECK(w.view(ada).voice.outbox.state == voice_mail::Outbox::State::failed);

    // The server says it takes at most 1 KiB per binary message: the file does not fit.
    w.server_says(ada, R"({"type":"welcome","id":")" + w.id(ada) +
                           R"(","resume":"t","iceServers":[],"peers":[{"id":")" + w.id(bob) +
                           R"(","name":"Bob","device":"desktop"}],"limits":{"maxBinaryBytes":1024}})");
    w.send(ada, VoiceMessageRecorded{w.id(bob), message_file()});
    CHECK(w.count<SendBinaryToServer>(ada) == 0);
    CHECK(w.view(ada).voice.outbox.detail.find("too large") != std::string::npos);
}

TEST_CASE("received frames that are damaged, foreign or repeated are refused with a notice", "[voice-mail]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    const std::string ogg = message_file();
    auto frame_from = [&](const std::string& from, const std::string& id, std::string payload) {
        return protocol::make_binary_frame({{"from", from}, {"kind", "voice-message"}, {"id", id}}, payload);
    };

    // Cut short: the Ogg checks refuse it; nothing is kept.
    w.send(bob, ServerBinary{frame_from(w.id(ada), "v1", ogg.substr(0, ogg.size() / 2))});
    CHECK(w.view(bob).voice.received.empty());
    CHECK(w.view(bob).notice.find("could not be read") != std::string::npos);
    // From someone who shares no room with us.
    w.send(bob, ServerBinary{frame_from("stranger", "v2", ogg)});
    CHECK(w.view(bob).voice.received.empty());
    CHECK(w.view(bob).notice.find("shares no room") != std::string::npos);
    // Garbage header.
    w.send(bob, ServerBinary{std::string("\x00\x05{{{{{", 7)});
    CHECK(w.view(bob).voice.received.empty());
    CHECK(w.count<KeepVoiceMessage>(bob) == 0);

    // A good one, then the same id again: listed once.
    w.send(bob, ServerBinary{frame_from(w.id(ada), "v3", ogg)});
    w.send(bob, ServerBinary{frame_from(w.id(ada), "v3", ogg)});
    CHECK(w.view(bob).voice.received.size() == 1);
    CHECK(w.count<KeepVoiceMessage>(bob) == 1);
}

TEST_CASE("the receiver keeps the newest messages only", "[voice-mail]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    const std::string ogg = message_file();
    for (std::size_t i = 0; i < voice_mail::Mailbox::kMaxNotes + 3; ++i) {
        w.send(bob, ServerBinary{protocol::make_binary_frame(
                        {{"from", w.id(ada)}, {"kind", "voice-message"}, {"id", "v" + std::to_string(i)}}, ogg)});
    }
    const auto& received = w.view(bob).voice.received;
    REQUIRE(received.size() == voice_mail::Mailbox::kMaxNotes);
    CHECK(received.front().id == w.id(ada) + "/v3");
    CHECK(received.back().id == w.id(ada) + "/v" + std::to_string(voice_mail::Mailbox::kMaxNotes + 2));
}
