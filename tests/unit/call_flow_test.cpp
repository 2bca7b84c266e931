// Whole calls played between Apps through the fake relay, without a browser.
#include <algorithm>

#include <catch2/catch.hpp>

#include "fake_world.hpp"
#include "protocol.hpp"

using namespace peerline;
using peerline::testing::FakeWorld;

namespace {

// Position of the first action of type A in a client's log, or -1.
template <typename A>
long first_index(const FakeWorld& w, int client) {
    const auto& log = w.log(client);
    auto it = std::find_if(log.begin(), log.end(), [](const Action& a) { return std::holds_alternative<A>(a); });
    return it == log.end() ? -1 : static_cast<long>(it - log.begin());
}

void call(FakeWorld& w, int from, int to) { w.send(from, CallIntent{w.id(to)}); }

}  // namespace

TEST_CASE("clients see each other come and go", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    REQUIRE(w.view(ada).online);
    REQUIRE(w.view(ada).peers.size() == 1);
    CHECK(w.view(ada).peers[0].name == "Bob");
    CHECK(w.view(ada).peers[0].can_call);
    REQUIRE(w.view(bob).peers.size() == 1);
    CHECK(w.view(bob).peers[0].name == "Ada");

    w.leave(bob);
    CHECK(w.view(ada).peers.empty());
}

TEST_CASE("two apps reach connected through offer, answer and trickled candidates", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    call(w, ada, bob);

    CHECK(w.view(ada).call.phase == CallPhase::connected);
    CHECK(w.view(bob).call.phase == CallPhase::connected);
    CHECK(w.view(ada).call.status == "In a call with Bob");
    CHECK(w.view(bob).call.peer_name == "Ada");
    CHECK(w.view(ada).call.remote_pc != 0);
    CHECK(w.view(bob).call.remote_pc != 0);
    CHECK_FALSE(w.view(ada).peers[0].can_call);

    // The caller offers, the callee answers: never the other way round.
    REQUIRE(w.count<CreateOffer>(ada) == 1);
    CHECK(w.count<CreateOffer>(bob) == 0);
    REQUIRE(w.count<CreateAnswer>(bob) == 1);
    CHECK(w.count<CreateAnswer>(ada) == 0);
    CHECK(w.actions<SetRemoteDescription>(bob).at(0).type == "offer");
    CHECK(w.actions<SetRemoteDescription>(bob).at(0).sdp == "v=0 offer by Ada");
    CHECK(w.actions<SetRemoteDescription>(ada).at(0).type == "answer");
    CHECK(w.actions<SetLocalDescription>(ada).at(0).type == "offer");
    CHECK(w.actions<SetLocalDescription>(bob).at(0).type == "answer");

    // Media first, then the connection, with local tracks, then the offer.
    CHECK(first_index<RequestMedia>(w, ada) < first_index<CreatePeerConnection>(w, ada));
    CHECK(first_index<AddLocalTracks>(w, ada) < first_index<CreateOffer>(w, ada));
    // The callee answers only after the offer is applied.
    CHECK(first_index<SetRemoteDescription>(w, bob) < first_index<CreateAnswer>(w, bob));

    // One real candidate each way; end-of-candidates is not sent.
    REQUIRE(w.count<AddIceCandidate>(ada) == 1);
    REQUIRE(w.count<AddIceCandidate>(bob) == 1);
    CHECK_FALSE(w.actions<AddIceCandidate>(bob)[0].candidate.empty());
    // The connect timer was cancelled once connected.
    CHECK(w.count<CancelTimer>(ada) >= 1);
}

TEST_CASE("candidates that arrive before the offer is applied are held, then added", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    FakeWorld::Options slow;
    slow.media_is_slow = true;
    int bob = w.join("Bob", slow);
    call(w, ada, bob);

    // Bob's camera is still opening: the offer and Ada's candidate wait in the core.
    CHECK(w.count<SetRemoteDescription>(bob) == 0);
    CHECK(w.count<AddIceCandidate>(bob) == 0);
    CHECK(w.view(bob).call.phase == CallPhase::connecting);

    w.release_media(bob);  // the fake browser throws if a candidate came first
    CHECK(first_index<SetRemoteDescription>(w, bob) < first_index<AddIceCandidate>(w, bob));
    CHECK(w.view(ada).call.phase == CallPhase::connected);
    CHECK(w.view(bob).call.phase == CallPhase::connected);
}

TEST_CASE("hanging up ends the call on both sides and releases everything", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    call(w, ada, bob);
    REQUIRE(w.view(bob).call.phase == CallPhase::connected);

    w.send(bob, HangUpIntent{});
    for (int c : {ada, bob}) {
        CHECK(w.view(c).call.phase == CallPhase::ended);
        CHECK(w.count<ClosePeerConnection>(c) == 1);
        CHECK(w.count<StopMedia>(c) == 1);
        CHECK(w.view(c).call.remote_pc == 0);
        CHECK_FALSE(w.view(c).call.can_hang_up);
        CHECK(w.view(c).peers[0].can_call);
    }
    CHECK(w.view(bob).call.status == "Call with Ada ended: hung up");
    CHECK(w.view(ada).call.status == "Call with Bob ended: ended by peer");

    // A new call after the old one works.
    call(w, bob, ada);
    CHECK(w.view(ada).call.phase == CallPhase::connected);
}

TEST_CASE("a third caller gets busy while a call is up", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    int cyd = w.join("Cyd");
    call(w, ada, bob);
    call(w, cyd, ada);
    CHECK(w.view(cyd).call.phase == CallPhase::ended);
    CHECK(w.view(cyd).call.status == "Call with Ada ended: busy");
    CHECK(w.view(ada).call.phase == CallPhase::connected);
    CHECK(w.view(ada).call.peer_id == w.id(bob));
    CHECK(w.count<CreatePeerConnection>(ada) == 1);
}

TEST_CASE("signals of another call or from someone else are ignored", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    int cyd = w.join("Cyd");
    call(w, ada, bob);
    const auto calls_before = w.log(ada).size();
    const std::string call_id = w.id(ada) + "-1";

    auto from = [&](int client, nlohmann::json data) {
        return protocol::serialize(protocol::ServerMessage{protocol::SignalFrom{w.id(client), std::move(data)}});
    };
    // Cyd claims to hang up Ada's call with Bob: wrong sender.
    w.server_says(ada, from(cyd, {{"kind", "hangup"}, {"call", call_id}}));
    // Bob sends an answer for a call that does not exist.
    w.server_says(ada, from(bob, {{"kind", "answer"}, {"call", "stale-7"}, {"sdp", "v=0"}}));
    // Garbage signal data.
    w.server_says(ada, from(bob, {{"kind", 42}}));
    CHECK(w.view(ada).call.phase == CallPhase::connected);
    CHECK(w.log(ada).size() == calls_before);

    // The real peer's hangup for the real call does end it.
    w.server_says(ada, from(bob, {{"kind", "hangup"}, {"call", call_id}}));
    CHECK(w.view(ada).call.phase == CallPhase::ended);
}

TEST_CASE("a call that never connects ends on timeout on both sides", "[call]") {
    FakeWorld w;
    FakeWorld::Options stuck;
    stuck.pcs_connect = false;
    int ada = w.join("Ada", stuck);
    int bob = w.join("Bob", stuck);
    call(w, ada, bob);
    REQUIRE(w.view(ada).call.phase == CallPhase::connecting);

    w.fire_timers(ada);
    CHECK(w.view(ada).call.phase == CallPhase::ended);
    CHECK_THAT(w.view(ada).call.status, Catch::Contains("no connection within 20 s"));
    CHECK(w.view(bob).call.phase == CallPhase::ended);
}

TEST_CASE("a peer that leaves mid-call ends the call", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    call(w, ada, bob);
    w.leave(bob);
    CHECK(w.view(ada).call.phase == CallPhase::ended);
    CHECK_THAT(w.view(ada).call.status, Catch::Contains("the peer left"));
    CHECK(w.count<ClosePeerConnection>(ada) == 1);
}

TEST_CASE("a camera that cannot open ends the call with the reason, offering nothing", "[call]") {
    FakeWorld w;
    FakeWorld::Options denied;
    denied.media_fails = true;
    int ada = w.join("Ada", denied);
    int bob = w.join("Bob");
    call(w, ada, bob);
    CHECK(w.view(ada).call.phase == CallPhase::ended);
    CHECK_THAT(w.view(ada).call.status, Catch::Contains("NotAllowedError"));
    CHECK(w.count<CreateOffer>(ada) == 0);
    CHECK(w.count<CreatePeerConnection>(bob) == 0);
}

TEST_CASE("calling someone who is not online is refused with a notice", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    w.send(ada, CallIntent{"id-99"});
    CHECK(w.view(ada).call.phase == CallPhase::idle);
    CHECK_FALSE(w.view(ada).notice.empty());
    CHECK(w.count<RequestMedia>(ada) == 0);
}

TEST_CASE("unreadable server text becomes a notice, not a crash", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    for (const char* text : {"", "{", "[]", R"({"type":"welcome"})", R"({"type":"nope"})",
                             R"({"type":"peer-joined","peer":{"id":1}})"}) {
        w.server_says(ada, text);
        CHECK_FALSE(w.view(ada).notice.empty());
    }
    CHECK(w.view(ada).online);
}

TEST_CASE("render is asked for only when the view changed", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    const auto renders = w.count<Render>(ada);
    w.send(ada, HangUpIntent{});  // nothing to hang up: nothing changes
    CHECK(w.count<Render>(ada) == renders);
    w.join("Bob");
    CHECK(w.count<Render>(ada) == renders + 1);
}
