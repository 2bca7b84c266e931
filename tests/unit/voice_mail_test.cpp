// Voice messages between Apps (issues 8, 20): who may leave one, how it travels end to end over
// the data link and is acknowledged, what waits and is sent again, what the browser's store keeps
// across a reload, the caps, and every refusal. The message is a real Ogg Opus file made by
// opusenc (tests/fixtures/voice).
#include <catch2/catch.hpp>

#include "call_helpers.hpp"
#include "link/data_link.hpp"
#include "link/voice_link.hpp"
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

// Ada called Bob and he declined: she may leave him a message.
struct Declined {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    Declined() { unanswered_call(w, ada, bob, EndReason::declined); }
};

// Every control-channel text a client sent, joined: what the server could never see.
std::string control_texts(const FakeWorld& w, int client) {
    std::string all;
    for (const auto& t : w.actions<SendChannelText>(client)) all += t.text + "\n";
    return all;
}

// Nothing about the message went to the server: no text frame mentions voice, no bytes.
void check_server_saw_no_voice(const FakeWorld& w, int client) {
    for (const auto& t : w.actions<SendToServer>(client)) CHECK(t.text.find("voice") == std::string::npos);
}

using State = voice_mail::Outbox::State;
using Unsent = voice_mail::Unsent;

}  // namespace

TEST_CASE("the caller of a declined or missed call is offered a voice message, nobody else", "[voice-mail]") {
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

TEST_CASE("a voice message goes over the data link, is stored by the listener, then acknowledged", "[voice-mail]") {
    Declined d;
    auto& w = d.w;
    const int ada = d.ada, bob = d.bob;
    const std::string ogg = message_file();

    w.send(ada, VoiceMessageRecorded{w.id(bob), ogg, 1.7e12});
    // Opened for the message, end to end: the header, then the bytes in binary parts on the
    // control channel (this file is smaller than one part).
    CHECK(control_texts(w, ada).find(R"("type":"voice")") != std::string::npos);
    std::size_t parts = 0;
    for (const auto& b : w.actions<SendChannelBinary>(ada)) parts += b.channel == link::kControlChannel && b.bytes == ogg;
    CHECK(parts == 1);
    check_server_saw_no_voice(w, ada);
    CHECK(w.view(ada).voice.outbox.state == State::delivered);
    CHECK(w.view(ada).voice.outbox.to_name == "Bob");
    CHECK(w.view(ada).voice.unsent.empty());
    CHECK(w.voice_store(ada).empty());  // our copy went once delivered

    const auto& received = w.view(bob).voice.received;
    REQUIRE(received.size() == 1);
    CHECK(received[0].from == w.id(ada));
    CHECK(received[0].from_name == "Ada");
    CHECK(received[0].duration_s > 1.0);
    CHECK(received[0].duration_s < 3.0);
    CHECK_FALSE(received[0].played);
    CHECK(received[0].at_ms == 1.7e12);  // when it arrived, by the listener's browser
    // Stored byte for byte: the download is the file that was sent.
    REQUIRE(w.voice_store(bob).count(received[0].key) == 1);
    CHECK(w.voice_store(bob).at(received[0].key).bytes == ogg);
    CHECK(w.voice_store(bob).at(received[0].key).peer_name == "Ada");
    CHECK(control_texts(w, bob).find(R"("type":"voice-ack")") != std::string::npos);
}

TEST_CASE("a listener whose store fails keeps the message for the visit and is told", "[voice-mail]") {
    FakeWorld w;
    int ada = w.join("Ada");
    FakeWorld::Options full;
    full.voice_store_fails = "QuotaExceededError: the quota has been exceeded";
    int bob = w.join("Bob", full);
    unanswered_call(w, ada, bob, EndReason::declined);

    w.send(ada, VoiceMessageRecorded{w.id(bob), message_file(), 1.7e12});
    // It arrived and passed the checks: acknowledged, as chat is; listed, not stored.
    CHECK(w.view(ada).voice.outbox.state == State::delivered);
    CHECK(w.view(bob).voice.received.size() == 1);
    CHECK(w.voice_store(bob).empty());
    CHECK(w.view(bob).voice.notice.find("could not be stored (QuotaExceededError") != std::string::npos);
    CHECK(w.view(bob).voice.notice.find("until you close this page") != std::string::npos);
}

TEST_CASE("bytes damaged on the way are refused by the listener's page, the sender keeps its copy", "[voice-mail]") {
    Declined d;
    auto& w = d.w;
    const int ada = d.ada, bob = d.bob;
    w.corrupt_binary_message(1);  // the first binary message Ada sends: the message's one part
    w.send(ada, VoiceMessageRecorded{w.id(bob), message_file(), 1.7e12});
    CHECK(w.view(bob).voice.received.empty());
    CHECK(w.voice_store(bob).empty());
    REQUIRE(w.view(ada).voice.unsent.size() == 1);
    CHECK(w.view(ada).voice.unsent[0].state == Unsent::State::refused);
    CHECK(w.view(ada).voice.unsent[0].detail.find("XXH3-128 differs") != std::string::npos);
    CHECK(w.view(ada).voice.outbox.state == State::failed);
    CHECK(w.voice_store(ada).size() == 1);
}

TEST_CASE("a browser without a store keeps messages for the visit and says so", "[voice-mail]") {
    FakeWorld w;
    int ada = w.join("Ada");
    FakeWorld::Options private_window;
    private_window.voice_storage_missing = true;
    int bob = w.join("Bob", private_window);
    CHECK(w.view(bob).voice.notice.find("kept only while this page is open") != std::string::npos);
    unanswered_call(w, ada, bob, EndReason::declined);
    w.send(ada, VoiceMessageRecorded{w.id(bob), message_file(), 1.7e12});
    CHECK(w.view(bob).voice.received.size() == 1);
    CHECK(w.view(ada).voice.outbox.state == State::delivered);
    CHECK(w.count<StoreVoiceMessage>(bob) == 0);
}

TEST_CASE("a message for someone offline waits, and goes when they are back", "[voice-mail]") {
    Declined d;
    auto& w = d.w;
    const int ada = d.ada, bob = d.bob;

    // Our own connection down: kept, waiting.
    w.stop_server();
    w.send(ada, VoiceMessageRecorded{w.id(bob), message_file(), 1.7e12});
    REQUIRE(w.view(ada).voice.unsent.size() == 1);
    CHECK(w.view(ada).voice.unsent[0].state == Unsent::State::waiting);
    CHECK(w.view(ada).voice.outbox.state == State::waiting);
    CHECK(w.view(ada).voice.outbox.detail.find("you are offline") != std::string::npos);
    CHECK(w.voice_store(ada).size() == 1);  // our copy survives a reload meanwhile

    // Both back: the welcome's roster has Bob, so it goes without a click.
    w.start_server();
    REQUIRE(w.fire_timer(bob, 500));
    REQUIRE(w.fire_timer(ada, 500));
    REQUIRE(w.view(ada).online);
    CHECK(w.view(ada).voice.outbox.state == State::delivered);
    CHECK(w.view(bob).voice.received.size() == 1);
    CHECK(w.voice_store(ada).empty());
}

TEST_CASE("a message for someone who left waits until they come back with the same id", "[voice-mail]") {
    Declined d;
    auto& w = d.w;
    const int ada = d.ada, bob = d.bob;
    const std::string bob_id = w.id(bob);
    w.send(ada, ServerText{R"({"type":"peer-left","id":")" + bob_id + R"("})"});

    w.send(ada, VoiceMessageRecorded{bob_id, message_file(), 1.7e12});
    REQUIRE(w.view(ada).voice.unsent.size() == 1);
    CHECK(w.view(ada).voice.unsent[0].detail.find("they are offline") != std::string::npos);
    CHECK(control_texts(w, ada).find("voice") == std::string::npos);

    // Their page resumed (same id): peer-joined again.
    w.send(ada, ServerText{R"({"type":"peer-joined","peer":{"id":")" + bob_id + R"(","name":"Bob","device":"desktop"}})"});
    CHECK(w.view(ada).voice.outbox.state == State::delivered);
    CHECK(w.view(bob).voice.received.size() == 1);
}

TEST_CASE("a page that never answers (an older version) leaves the message waiting, not delivered", "[voice-mail]") {
    FakeWorld w;
    int ada = w.join("Ada");
    FakeWorld::Options older;
    older.ignores_voice = true;
    int bob = w.join("Bob", older);
    unanswered_call(w, ada, bob, EndReason::declined);
    w.send(ada, VoiceMessageRecorded{w.id(bob), message_file(), 1.7e12});
    CHECK(w.view(ada).voice.outbox.state == State::sending);
    REQUIRE(w.fire_timer(ada, link::kVoiceAnswerMs));
    CHECK(w.view(ada).voice.outbox.state == State::waiting);
    CHECK(w.view(ada).voice.outbox.detail.find("no answer from Bob's page") != std::string::npos);
    CHECK(w.view(bob).voice.received.empty());
}

TEST_CASE("received messages and our undelivered copies are there after a reload", "[voice-mail]") {
    Declined d;
    auto& w = d.w;
    const int ada = d.ada, bob = d.bob;
    w.send(ada, VoiceMessageRecorded{w.id(bob), message_file(), 1.7e12});
    const auto note = w.view(bob).voice.received.at(0);
    w.send(bob, VoicePlayedIntent{note.key});
    CHECK(w.view(bob).voice.received.at(0).played);
    CHECK(w.voice_store(bob).at(note.key).played);

    // Bob reloads: a new page (new id) on the same browser store.
    FakeWorld::Options same_browser;
    same_browser.stored_voices = w.voice_records(bob);
    w.leave(bob);
    int bob_again = w.join("Bob", same_browser);
    const auto& listed = w.view(bob_again).voice.received;
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].key == note.key);
    CHECK(listed[0].from_name == "Ada");
    CHECK(listed[0].played);
    CHECK(listed[0].duration_s == Approx(note.duration_s));

    // Delete: gone from the page and from the store.
    w.send(bob_again, DeleteVoiceIntent{note.key});
    CHECK(w.view(bob_again).voice.received.empty());
    CHECK(w.voice_store(bob_again).empty());

    // Ada calls Bob's new page, he declines and leaves before her message: after her own
    // reload it is listed as waiting, and can be deleted.
    unanswered_call(w, ada, bob_again, EndReason::declined);
    const std::string gone = w.id(bob_again);
    w.leave(bob_again);
    w.send(ada, VoiceMessageRecorded{gone, message_file(), 1.8e12});
    FakeWorld::Options ada_browser;
    ada_browser.stored_voices = w.voice_records(ada);
    REQUIRE(ada_browser.stored_voices.size() == 1);
    int ada_again = w.join("Ada", ada_browser);
    REQUIRE(w.view(ada_again).voice.unsent.size() == 1);
    CHECK(w.view(ada_again).voice.unsent[0].to_name == "Bob");
    CHECK(w.view(ada_again).voice.unsent[0].state == Unsent::State::waiting);
    w.send(ada_again, DeleteVoiceIntent{w.view(ada_again).voice.unsent[0].key});
    CHECK(w.view(ada_again).voice.unsent.empty());
    CHECK(w.voice_store(ada_again).empty());
}

TEST_CASE("a stored record that is not a valid message is deleted at load, not listed", "[voice-mail]") {
    FakeWorld w;
    FakeWorld::Options damaged;
    voice_mail::Record r;
    r.key = "in/x/v1";
    r.id = "v1";
    r.peer = "x";
    r.peer_name = "X";
    r.bytes = message_file().substr(0, 500);
    damaged.stored_voices = {r};
    int bob = w.join("Bob", damaged);
    CHECK(w.view(bob).voice.received.empty());
    CHECK(w.voice_store(bob).empty());
    CHECK(w.view(bob).voice.notice.find("could not be read") != std::string::npos);
}

TEST_CASE("a recording that is not Ogg Opus is refused before anything is sent", "[voice-mail]") {
    Declined d;
    auto& w = d.w;
    const int ada = d.ada, bob = d.bob;
    w.send(ada, VoiceMessageRecorded{w.id(bob), "not an ogg file", 1.7e12});
    CHECK(w.view(ada).voice.outbox.state == State::failed);
    CHECK(w.view(ada).voice.unsent.empty());
    CHECK(w.count<StoreVoiceMessage>(ada) == 0);
    CHECK(w.count<SendChannelText>(ada) == 0);
}

TEST_CASE("a voice message through the server (an older page) is refused with a notice", "[voice-mail]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    w.send(bob, ServerBinary{protocol::make_binary_frame({{"from", w.id(ada)}, {"kind", "voice-message"}, {"id", "v1"}}, message_file())});
    CHECK(w.view(bob).voice.received.empty());
    CHECK(w.count<StoreVoiceMessage>(bob) == 0);
    CHECK(w.view(bob).notice.find("older page was not accepted") != std::string::npos);
}

// ---- the Mailbox alone: what arrives, what is refused, what is kept ----------------------------

namespace {
voice_mail::Mailbox loaded_mailbox() {
    voice_mail::Mailbox box;
    std::vector<Action> out;
    box.start(out);
    box.on_loaded(StoredVoicesLoaded{true, "", {}}, out);
    return box;
}
}  // namespace

TEST_CASE("damaged, foreign and repeated arrivals are refused, typed, and never stored", "[voice-mail]") {
    auto box = loaded_mailbox();
    std::vector<Action> out;
    const std::string ogg = message_file();

    auto cut = box.receive("ada", std::string("Ada"), link::VoiceArrival{"v1", ogg.substr(0, ogg.size() / 2)}, 1, out);
    REQUIRE(cut);
    CHECK(cut->code.rfind("voice-", 0) == 0);
    auto stranger = box.receive("eve", std::nullopt, link::VoiceArrival{"v1", ogg}, 1, out);
    REQUIRE(stranger);
    CHECK(stranger->code == "voice-stranger");
    auto foreign = box.receive("ada", std::string("Ada"), link::VoiceArrival{"v2", std::string(2000, 'x')}, 1, out);
    REQUIRE(foreign);
    CHECK(foreign->code == "voice-not-opus");
    CHECK(out.empty());  // nothing stored

    CHECK_FALSE(box.receive("ada", std::string("Ada"), link::VoiceArrival{"v3", ogg}, 1, out));
    auto again = box.receive("ada", std::string("Ada"), link::VoiceArrival{"v3", ogg}, 1, out);
    REQUIRE(again);
    CHECK(again->code == link::voice_refusal::kDuplicate);
    CHECK(box.notes().size() == 1);
    CHECK(out.size() == 1);
}

TEST_CASE("the newest messages per sender are kept, so one sender cannot push out the rest", "[voice-mail]") {
    auto box = loaded_mailbox();
    std::vector<Action> out;
    const std::string ogg = message_file();
    REQUIRE_FALSE(box.receive("cy", std::string("Cy"), link::VoiceArrival{"c1", ogg}, 1, out));
    for (std::size_t i = 0; i < voice_mail::kKeptPerSender + 3; ++i) {
        REQUIRE_FALSE(box.receive("ada", std::string("Ada"), link::VoiceArrival{"v" + std::to_string(i), ogg}, 2.0 + i, out));
    }
    const auto& notes = box.notes();
    REQUIRE(notes.size() == voice_mail::kKeptPerSender + 1);
    CHECK(notes.front().from == "cy");  // Cy's one message is still there
    CHECK(notes[1].key == "in/ada/v3");  // Ada's three oldest went
    CHECK(box.notice().find("newest 10 from each person") != std::string::npos);
    std::size_t deleted = 0;
    for (const auto& a : out) deleted += std::holds_alternative<DeleteStoredVoice>(a);
    CHECK(deleted == 3);

    // And no more than kKeptReceived in all, the oldest first.
    for (std::size_t s = 0; s < voice_mail::kKeptReceived; ++s) {
        REQUIRE_FALSE(box.receive("p" + std::to_string(s), std::string("P"), link::VoiceArrival{"x", ogg}, 100.0 + s, out));
    }
    CHECK(box.notes().size() == voice_mail::kKeptReceived);
    CHECK(box.notes().front().from != "cy");
}

TEST_CASE("at most kMaxUnsent of ours wait, the next one says so", "[voice-mail]") {
    auto box = loaded_mailbox();
    std::vector<Action> out;
    for (std::size_t i = 0; i < voice_mail::kMaxUnsent; ++i) REQUIRE(box.compose("bob", "Bob", message_file(), 1.0 + i, out));
    CHECK_FALSE(box.compose("bob", "Bob", message_file(), 99, out));
    CHECK(box.outbox().detail.find("still waiting") != std::string::npos);
    // Ids are unique across visits: the recording's clock is part of them.
    CHECK(box.unsent()[0].id != box.unsent()[1].id);
    CHECK(box.unsent()[0].id.find("v1-") == 0);
}

TEST_CASE("a store holding more than the caps is trimmed at load, oldest first", "[voice-mail]") {
    voice_mail::Mailbox box;
    std::vector<Action> out;
    StoredVoicesLoaded loaded;
    for (std::size_t i = 0; i < voice_mail::kKeptPerSender + 2; ++i) {
        voice_mail::Record r;
        r.id = "v" + std::to_string(i);
        r.key = "in/ada/" + r.id;
        r.peer = "ada";
        r.peer_name = "Ada";
        r.at_ms = 100.0 - i;  // stored newest first: the load sorts by time
        r.bytes = message_file();
        loaded.records.push_back(r);
    }
    box.on_loaded(loaded, out);
    REQUIRE(box.notes().size() == voice_mail::kKeptPerSender);
    CHECK(box.notes().front().key == "in/ada/v9");  // the two oldest (v10, v11) went
    std::vector<std::string> deleted;
    for (const auto& a : out) {
        if (const auto* d = std::get_if<DeleteStoredVoice>(&a)) deleted.push_back(d->key);
    }
    CHECK(deleted == std::vector<std::string>{"in/ada/v11", "in/ada/v10"});
}
