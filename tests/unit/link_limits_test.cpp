// Data links between browsers of different engines (issue 16): every message fits the smaller
// of both stacks' limits, a send() the browser refuses fails what it carried with the browser's
// reason, and chat from other clients (UUID ids) is taken or answered with a typed refusal.
#include <catch2/catch.hpp>

#include <algorithm>
#include "fake_world.hpp"
#include "link_helpers.hpp"
#include "link/data_link.hpp"

using namespace peerline;
using namespace peerline::testing;

namespace {

std::size_t largest_binary_sent(const FakeWorld& w, int client) {
    std::size_t largest = 0;
    for (const auto& a : w.actions<SendChannelBinary>(client)) largest = std::max(largest, a.bytes.size());
    return largest;
}

int link_pc(const FakeWorld& w, int client) { return w.actions<CreatePeerConnection>(client).back().pc; }

std::vector<std::string> control_sent(const FakeWorld& w, int client) {
    std::vector<std::string> texts;
    for (const auto& a : w.actions<SendChannelText>(client)) texts.push_back(a.text);
    return texts;
}

// Ada (Chromium, the smaller id: she offers) and Bob (Firefox, he answers), link open.
struct CrossEngine {
    FakeWorld w;
    int ada = 0;
    int bob = 0;
    explicit CrossEngine(bool transport_limits) {
        FakeWorld::Options chromium, firefox;
        chromium.reports_transport_limit = firefox.reports_transport_limit = transport_limits;
        firefox.firefox = true;
        ada = w.join("Ada", chromium);
        bob = w.join("Bob", firefox);
        w.send(ada, OpenLinkIntent{w.id(bob)});
    }
    // `from` sends `data` to the other, who accepts; returns the receiver's saved bytes.
    const std::string* send_file(int from, const std::string& data) {
        const int to = from == ada ? bob : ada;
        w.choose_files(from, w.id(to), {{"big.bin", data}});
        w.send(to, AcceptFilesIntent{w.id(from), only_transfer(w, to).id});
        const auto received = only_transfer(w, to);
        CHECK(received.state == transfer::State::done);
        return w.saved_file(to, received.files[0].sink);
    }
};

}  // namespace

TEST_CASE("Chromium to Firefox: chunks fit Chromium's own 262144 bytes, not Firefox's advertised limit",
          "[link][transfer]") {
    // With and without RTCSctpTransport: the descriptions alone must give the same answer.
    for (bool transport_limits : {false, true}) {
        CAPTURE(transport_limits);
        CrossEngine x(transport_limits);
        const std::string data = random_bytes(1024 * 1024 + 5, 11);
        const std::string* saved = x.send_file(x.ada, data);
        REQUIRE(saved);
        CHECK(*saved == data);
        CHECK(largest_binary_sent(x.w, x.ada) == 262144);  // full messages, none past the limit
        CHECK(only_transfer(x.w, x.ada).state == transfer::State::done);
    }
}

TEST_CASE("Firefox to Chromium: the peer's 262144 is the smaller limit", "[link][transfer]") {
    CrossEngine x(false);
    const std::string data = random_bytes(700 * 1024, 12);
    const std::string* saved = x.send_file(x.bob, data);
    REQUIRE(saved);
    CHECK(*saved == data);
    CHECK(largest_binary_sent(x.w, x.bob) == 262144);
}

TEST_CASE("a send() the browser refuses fails the transfer on both sides with its reason", "[link][transfer]") {
    FakeWorld w;
    FakeWorld::Options refusing;
    refusing.binary_send_throws = "OperationError: Failure to send data";
    int ada = w.join("Ada", refusing);
    int bob = w.join("Bob");
    w.send(ada, OpenLinkIntent{w.id(bob)});
    w.choose_files(ada, w.id(bob), {{"data.bin", random_bytes(300 * 1024, 13)}});
    w.send(bob, AcceptFilesIntent{w.id(ada), only_transfer(w, bob).id});

    const auto sent = only_transfer(w, ada);
    CHECK(sent.state == transfer::State::failed);
    CHECK_THAT(sent.reason, Catch::Contains("Failure to send data"));
    const auto received = only_transfer(w, bob);
    CHECK(received.state == transfer::State::failed);
    CHECK_THAT(received.reason, Catch::Contains("Failure to send data"));
    CHECK_FALSE(w.saved_file(bob, received.files[0].sink));
}

TEST_CASE("a chat message the browser cannot send shows not delivered, with the browser's reason", "[link]") {
    FakeWorld w;
    FakeWorld::Options refusing;
    refusing.text_send_throws = "InvalidStateError: RTCDataChannel.readyState is not 'open'";
    int ada = w.join("Ada", refusing);
    int bob = w.join("Bob");
    w.send(ada, OpenLinkIntent{w.id(bob)});
    w.send(ada, SendChatIntent{w.id(bob), "hello"});
    const auto& line = w.view(ada).conversation.chat.back();
    CHECK(line.delivery == link::Delivery::failed);
    CHECK_THAT(line.reason, Catch::Contains("readyState is not 'open'"));
    CHECK(w.view(bob).peers[0].unread == 0);
}

TEST_CASE("chat from other clients: UUID ids are acknowledged, unusable messages get a typed refusal",
          "[link]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    w.send(ada, OpenLinkIntent{w.id(bob)});
    const int pc = link_pc(w, bob);
    const std::string uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";

    w.send(bob, ChannelText{pc, link::kControlChannel, R"({"type":"chat","id":")" + uuid + R"(","text":"hi"})"});
    CHECK(control_sent(w, bob).back() == R"({"id":")" + uuid + R"(","type":"chat-ack"})");
    CHECK(w.view(bob).peers[0].unread == 1);

    const std::string long_id(65, 'x');
    w.send(bob, ChannelText{pc, link::kControlChannel, R"({"type":"chat","id":")" + long_id + R"(","text":"hi"})"});
    auto refusal = nlohmann::json::parse(control_sent(w, bob).back());
    CHECK(refusal["type"] == "chat-refused");
    CHECK_FALSE(refusal.contains("id"));  // an id we cannot take is not echoed
    CHECK_THAT(refusal["reason"].get<std::string>(), Catch::Contains("1-64 bytes"));

    w.send(bob, ChannelText{pc, link::kControlChannel, R"({"type":"chat","id":"q1","text":"   "})"});
    refusal = nlohmann::json::parse(control_sent(w, bob).back());
    CHECK(refusal == nlohmann::json{{"type", "chat-refused"}, {"id", "q1"}, {"reason", "the message is empty"}});
    CHECK(w.view(bob).peers[0].unread == 1);  // neither refused message was shown
}

TEST_CASE("a refusal from the peer's page fails our message with its reason, answers are not answered",
          "[link]") {
    link::Chat chat;
    REQUIRE(chat.write("first", true));
    REQUIRE(chat.write("second", true));
    auto reply = chat.on_message(nlohmann::json{{"type", "chat-ack"}, {"id", "m1"}}, true);
    CHECK(reply.handled);
    CHECK_FALSE(reply.send);
    reply = chat.on_message(nlohmann::json{{"type", "chat-refused"}, {"id", "m2"}, {"reason", "too\nlong"}}, true);
    CHECK(reply.handled);
    CHECK_FALSE(reply.send);  // never answered: two pages cannot ping-pong refusals
    CHECK(chat.lines()[0].delivery == link::Delivery::delivered);
    CHECK(chat.lines()[1].delivery == link::Delivery::failed);
    CHECK(chat.lines()[1].reason == "refused by their page: too long");  // control characters cleaned

    // A late refusal of a delivered message, or one without an id, changes nothing.
    reply = chat.on_message(nlohmann::json{{"type", "chat-refused"}, {"id", "m1"}, {"reason", "x"}}, true);
    CHECK_FALSE(reply.send);
    CHECK(chat.lines()[0].delivery == link::Delivery::delivered);
    reply = chat.on_message(nlohmann::json{{"type", "chat-refused"}, {"reason", "x"}}, true);
    CHECK(reply.handled);
    CHECK_FALSE(reply.send);
}
