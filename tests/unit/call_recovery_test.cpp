// Calls that meet trouble: ICE restart, the signaling link dropping, peers vanishing, timeouts,
// and input that must be ignored or refused.
#include <catch2/catch.hpp>

#include "call_helpers.hpp"

using namespace peerline;
using namespace peerline::testing;

TEST_CASE("a failed connection is restarted by the caller and recovers", "[call][recovery]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    connect(w, ada, bob);
    const auto offers_before = w.count<CreateOffer>(ada);

    w.set_pc_state(bob, "failed");  // the callee waits for the caller's restart
    CHECK(phase(w, bob) == CallPhase::reconnecting);
    CHECK(w.view(bob).call.status == "Reconnecting to Ada…");
    CHECK(w.count<CreateOffer>(bob) == 0);

    w.set_pc_state(ada, "failed");
    REQUIRE(w.count<CreateOffer>(ada) == offers_before + 1);
    CHECK(w.actions<CreateOffer>(ada).back().ice_restart);
    // The restart offer went through the polite callee, which answered.
    CHECK(w.count<CreateAnswer>(bob) == 2);
    w.set_pc_state(ada, "connected");
    w.set_pc_state(bob, "connected");
    CHECK(phase(w, ada) == CallPhase::connected);
    CHECK(phase(w, bob) == CallPhase::connected);
    CHECK_FALSE(w.fire_timer(ada, call_timing::kReconnectMs));  // cancelled on recovery
}

TEST_CASE("a brief disconnect restarts ICE only after a grace period", "[call][recovery]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    connect(w, ada, bob);
    const auto offers = w.count<CreateOffer>(ada);
    w.set_pc_state(ada, "disconnected");
    CHECK(phase(w, ada) == CallPhase::reconnecting);
    CHECK(w.count<CreateOffer>(ada) == offers);
    REQUIRE(w.fire_timer(ada, call_timing::kRestartAfterDisconnectMs));
    CHECK(w.count<CreateOffer>(ada) == offers + 1);
    CHECK(w.actions<CreateOffer>(ada).back().ice_restart);
}

TEST_CASE("a connection that never comes back ends as lost", "[call][recovery]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    connect(w, ada, bob);
    w.set_pc_state(bob, "disconnected");
    REQUIRE(w.fire_timer(bob, call_timing::kReconnectMs));
    CHECK(reason(w, bob) == EndReason::connection_lost);
    CHECK(reason(w, ada) == EndReason::connection_lost);  // told through the server
}

TEST_CASE("a server restart keeps the call, both rejoin and signaling goes on", "[call][recovery]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    connect(w, ada, bob);

    w.restart_server();
    CHECK(w.view(ada).link == LinkState::reconnecting);
    CHECK(phase(w, ada) == CallPhase::connected);  // media does not depend on the server
    CHECK(phase(w, bob) == CallPhase::connected);

    // Reconnect on the backoff timers (first delay 500 ms), in either order.
    REQUIRE(w.fire_timer(ada, 500));
    REQUIRE(w.fire_timer(bob, 500));
    CHECK(w.view(ada).link == LinkState::online);
    CHECK(w.view(bob).peers.size() == 1);
    CHECK(w.view(ada).self_id == w.id(ada));

    // Each said hello again with the token of its first welcome, to keep its id.
    const auto hellos = w.actions<SendToServer>(ada);
    CHECK(std::count_if(hellos.begin(), hellos.end(), [&](const SendToServer& m) {
              return m.text.find("\"resume\":\"token-" + w.id(ada) + "\"") != std::string::npos;
          }) == 1);

    // Signaling works again: hanging up reaches the other side.
    w.send(bob, HangUpIntent{});
    CHECK(reason(w, ada) == EndReason::hung_up);
}

// A network change can drop the server link and the media path together: the caller's ICE
// restart offer then goes nowhere, and must be made again once the peer is back.
TEST_CASE("an ICE restart offer lost with the server is made again when the peer is back", "[call][recovery]") {
    FakeWorld w;
    FakeWorld::Options manual;  // connection states only as the test sets them
    manual.pcs_connect = false;
    int ada = w.join("Ada", manual);
    int bob = w.join("Bob", manual);
    call(w, ada, bob);
    w.send(bob, AcceptIntent{true});
    w.set_pc_state(ada, "connected");
    w.set_pc_state(bob, "connected");
    REQUIRE(phase(w, ada) == CallPhase::connected);
    const auto offers = w.count<CreateOffer>(ada);
    w.stop_server();
    w.set_pc_state(ada, "failed");
    w.set_pc_state(bob, "failed");
    REQUIRE(w.count<CreateOffer>(ada) == offers + 1);  // made, set, but sent into the void
    w.start_server();
    REQUIRE(w.fire_timer(bob, 500));
    REQUIRE(w.fire_timer(ada, 500));  // Ada's welcome lists Bob: she restarts again
    CHECK(w.count<CreateOffer>(ada) == offers + 2);
    CHECK(w.actions<CreateOffer>(ada).back().ice_restart);
    w.set_pc_state(ada, "connected");
    w.set_pc_state(bob, "connected");
    CHECK(phase(w, ada) == CallPhase::connected);
    CHECK(phase(w, bob) == CallPhase::connected);
    CHECK(w.count<CreateAnswer>(bob) >= 2);  // the second restart reached him and was answered
}

TEST_CASE("reconnect delays back off and reset once welcomed", "[call][recovery]") {
    FakeWorld w;
    int ada = w.join("Ada");
    auto last_delay = [&] { return w.actions<StartTimer>(ada).back().ms; };
    w.stop_server();
    CHECK(w.view(ada).link == LinkState::reconnecting);
    // Each failed attempt waits longer: 0.5 s, 1 s, 2 s, 4 s, then 8 s at most.
    for (int delay : {500, 1000, 2000, 4000, 8000}) {
        REQUIRE(last_delay() == delay);
        REQUIRE(w.fire_timer(ada, delay));
    }
    CHECK(last_delay() == 8000);
    CHECK(w.count<ConnectServer>(ada) == 1 + 5);
    w.start_server();
    REQUIRE(w.fire_timer(ada, 8000));
    CHECK(w.view(ada).link == LinkState::online);
    w.stop_server();
    CHECK(last_delay() == 500);  // reset after the welcome
}

TEST_CASE("a peer whose page closed ends the call once its media stops", "[call][recovery]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    connect(w, ada, bob);
    w.leave(bob);
    CHECK(phase(w, ada) == CallPhase::connected);  // media may still flow for a moment
    w.set_pc_state(ada, "disconnected");
    CHECK(reason(w, ada) == EndReason::connection_lost);
    CHECK(w.open_pcs(ada) == 0);
}

TEST_CASE("a peer that leaves while ringing ends the call once it stays away", "[call][recovery]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    call(w, ada, bob);
    w.leave(ada);
    CHECK(phase(w, bob) == CallPhase::ringing_in);  // a blip comes back within seconds
    REQUIRE(w.fire_timer(bob, call_timing::kPeerGoneMs));
    CHECK(phase(w, bob) == CallPhase::ended);
    CHECK(reason(w, bob) == EndReason::cancelled);
    CHECK_FALSE(w.view(bob).call.ringing);
}

// The server says peer-left then peer-joined when a client's link drops and it resumes its id.
TEST_CASE("a peer whose link blips while the call rings keeps the call", "[call][recovery]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    call(w, ada, bob);
    w.server_says(ada, peer_left(w, bob));
    w.server_says(ada, peer_joined(w, bob, "Bob"));
    CHECK_FALSE(w.fire_timer(ada, call_timing::kPeerGoneMs));  // cancelled when he came back
    CHECK(phase(w, ada) == CallPhase::ringing_out);
    w.send(bob, AcceptIntent{true});
    CHECK(phase(w, ada) == CallPhase::connected);
    CHECK(phase(w, bob) == CallPhase::connected);
}

// Bob's link was away longer than the grace: Ada ended the call, but Bob's page still rings
// when he is back. His accept must end it on his side at once, not after the connect timeout.
TEST_CASE("accepting a call the caller ended while we were away ends it at once", "[call][recovery]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    call(w, ada, bob);
    w.server_says(ada, peer_left(w, bob));
    REQUIRE(w.fire_timer(ada, call_timing::kPeerGoneMs));
    REQUIRE(reason(w, ada) == EndReason::connection_lost);
    w.server_says(ada, peer_joined(w, bob, "Bob"));
    w.send(bob, AcceptIntent{true});
    CHECK(phase(w, bob) == CallPhase::ended);
    CHECK(reason(w, bob) == EndReason::connection_lost);
    CHECK(phase(w, ada) == CallPhase::ended);
}

TEST_CASE("a peer that leaves while the connection is down ends the call within seconds", "[call][recovery]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    connect(w, ada, bob);
    w.set_pc_state(ada, "disconnected");
    REQUIRE(phase(w, ada) == CallPhase::reconnecting);
    w.leave(bob);
    REQUIRE(w.fire_timer(ada, call_timing::kPeerGoneMs));  // not the 20 s reconnect deadline
    CHECK(reason(w, ada) == EndReason::connection_lost);
    CHECK(w.open_pcs(ada) == 0);
}

// The server's unknown-peer error names no target: about a chat partner who just left, it
// must not end a call with someone else.
TEST_CASE("an unknown-peer error about someone else leaves the call alone", "[call][recovery]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    SECTION("ringing") { call(w, ada, bob); }
    SECTION("connected") { connect(w, ada, bob); }
    const auto was = phase(w, ada);
    w.server_says(ada, R"({"type":"error","code":"unknown-peer","message":"no peer with that id is online","ref":"signal"})");
    CHECK(phase(w, ada) == was);
    CHECK(w.view(ada).notice == "no peer with that id is online");
    // Still a live call: a later blip restarts ICE instead of ending it.
    if (was == CallPhase::connected) {
        w.set_pc_state(ada, "disconnected");
        CHECK(phase(w, ada) == CallPhase::reconnecting);
    }
}

TEST_CASE("back online, a roster without the call's peer ends a call still ringing", "[call][recovery]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    call(w, ada, bob);
    REQUIRE(phase(w, ada) == CallPhase::ringing_out);
    w.stop_server();   // both lose the server; Bob's page is closed meanwhile
    w.leave(bob);
    w.start_server();
    REQUIRE(w.fire_timer(ada, 500));  // Ada reconnects; Bob is not in the welcome
    CHECK(w.view(ada).link == LinkState::online);
    REQUIRE(w.fire_timer(ada, call_timing::kPeerGoneMs));  // nor does he come back
    CHECK(phase(w, ada) == CallPhase::ended);
    CHECK(reason(w, ada) == EndReason::connection_lost);
}

// Accepting opens the camera, which may first ask for permission: the caller's ring timeout
// must not run out meanwhile and call the accepted call missed.
TEST_CASE("a call accepted just before the ring timeout is not missed", "[call][timeout]") {
    FakeWorld w;
    FakeWorld::Options prompting;
    prompting.media_is_slow = true;
    int ada = w.join("Ada");
    int bob = w.join("Bob", prompting);
    call(w, ada, bob);
    w.send(bob, AcceptIntent{true});  // at 29 s, say; his permission prompt opens
    CHECK(phase(w, ada) == CallPhase::connecting);
    CHECK(w.view(ada).call.status == "Connecting to Bob…");
    CHECK_FALSE(w.fire_timer(ada, call_timing::kRingMs));  // no longer ringing out
    w.release_media(bob);
    CHECK(phase(w, ada) == CallPhase::connected);
    CHECK(phase(w, bob) == CallPhase::connected);
}

TEST_CASE("the caller's ring timeout starts when its offer leaves, not while its own prompt is open", "[call][timeout]") {
    FakeWorld w;
    FakeWorld::Options prompting;
    prompting.media_is_slow = true;  // devices never allowed: the offer waits for them
    int ada = w.join("Ada", prompting);
    int bob = w.join("Bob");
    call(w, ada, bob);
    CHECK_FALSE(w.fire_timer(ada, call_timing::kRingMs));
    CHECK(phase(w, ada) == CallPhase::ringing_out);
    w.release_media(ada);
    REQUIRE(phase(w, bob) == CallPhase::ringing_in);
    REQUIRE(w.fire_timer(ada, call_timing::kRingMs));
    CHECK(reason(w, ada) == EndReason::missed);
    CHECK(reason(w, bob) == EndReason::missed);
}

TEST_CASE("a call that never connects ends on timeout on both sides", "[call][recovery]") {
    FakeWorld w;
    FakeWorld::Options stuck;
    stuck.pcs_connect = false;
    int ada = w.join("Ada", stuck);
    int bob = w.join("Bob", stuck);
    connect(w, ada, bob);
    REQUIRE(phase(w, ada) == CallPhase::connecting);
    REQUIRE(w.fire_timer(ada, call_timing::kConnectMs));
    CHECK(reason(w, ada) == EndReason::failed);
    CHECK_THAT(w.view(ada).call.status, Catch::Contains("no connection within 20 s"));
    CHECK(reason(w, bob) == EndReason::failed);
}

TEST_CASE("candidates that arrive before the offer is applied are held, then added", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    FakeWorld::Options slow;
    slow.remote_descriptions_are_slow = true;
    int bob = w.join("Bob", slow);
    connect(w, ada, bob);
    CHECK(w.count<SetRemoteDescription>(bob) == 1);
    CHECK(w.count<AddIceCandidate>(bob) == 0);
    CHECK(w.count<CreateAnswer>(bob) == 0);  // accepted, devices open, but the offer is not applied yet
    w.release_remote_descriptions(bob);  // the fake browser throws if a candidate came first
    CHECK(first_index<SetRemoteDescription>(w, bob) < first_index<AddIceCandidate>(w, bob));
    CHECK(w.count<CreateAnswer>(bob) == 1);
    CHECK(phase(w, bob) == CallPhase::connected);
}

TEST_CASE("a ringing callee's connection answers only once accepted and its devices are open", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    FakeWorld::Options slow;
    slow.media_is_slow = true;
    int bob = w.join("Bob", slow);
    call(w, ada, bob);
    REQUIRE(phase(w, bob) == CallPhase::ringing_in);
    // The offer and the caller's candidates are taken while ringing...
    CHECK(w.count<AddIceCandidate>(bob) == 1);
    w.send(bob, AcceptIntent{true});
    // ...and the answer waits for the devices.
    CHECK(w.count<CreateAnswer>(bob) == 0);
    CHECK(w.count<AddLocalTracks>(bob) == 0);
    w.release_media(bob);
    CHECK(w.count<CreateAnswer>(bob) == 1);
    CHECK(phase(w, bob) == CallPhase::connected);
}

TEST_CASE("a call declined, missed or cancelled while ringing closes the connection that took its offer", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    SECTION("declined") {
        call(w, ada, bob);
        w.send(bob, DeclineIntent{});
    }
    SECTION("missed") {
        call(w, ada, bob);
        REQUIRE(w.fire_timer(bob, call_timing::kRingMs));
    }
    SECTION("cancelled by the caller") {
        call(w, ada, bob);
        w.send(ada, HangUpIntent{});
    }
    CHECK(phase(w, bob) == CallPhase::ended);
    CHECK(w.count<ClosePeerConnection>(bob) == 1);
    CHECK(w.count<CreateAnswer>(bob) == 0);
    CHECK(w.count<SetLocalDescription>(bob) == 0);
    CHECK(w.count<RequestMedia>(bob) == 0);
}

TEST_CASE("a camera that cannot open ends the call with the reason", "[call]") {
    FakeWorld w;
    FakeWorld::Options denied;
    denied.media_fails = true;
    int ada = w.join("Ada", denied);
    int bob = w.join("Bob");
    call(w, ada, bob);
    CHECK(reason(w, ada) == EndReason::failed);
    CHECK_THAT(w.view(ada).call.status, Catch::Contains("NotAllowedError"));
    CHECK(w.count<CreateOffer>(ada) == 0);
    CHECK(phase(w, bob) == CallPhase::idle);
}

// After a server restart the caller may send an ICE-restart offer for a call the callee hung up
// while its hangup could not be delivered: it must not ring as a new call.
TEST_CASE("an offer for the call that just ended here is answered with hangup, not rung", "[call][recovery]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    connect(w, ada, bob);
    w.send(bob, HangUpIntent{});
    REQUIRE(reason(w, bob) == EndReason::hung_up);
    const std::string call_id = w.id(ada) + "-1";
    const auto sent = w.count<SendToServer>(bob);
    w.server_says(bob, signal_from(w, ada, {{"kind", "offer"}, {"call", call_id},
                                            {"sdp", fixture("sdp/chrome-ice-restart-offer.sdp")}, {"video", true}}));
    CHECK(phase(w, bob) == CallPhase::ended);
    CHECK_FALSE(w.view(bob).call.ringing);
    REQUIRE(w.count<SendToServer>(bob) == sent + 1);
    const std::string reply = w.actions<SendToServer>(bob).back().text;
    CHECK_THAT(reply, Catch::Contains(R"("kind":"hangup")") && Catch::Contains(call_id) && Catch::Contains("hung-up"));
}

TEST_CASE("an offer that cannot work is refused before it rings or reaches the browser", "[call][sdp]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    std::string sdp = fixture("sdp/chrome-audio-video-offer.sdp");
    // Strip the fingerprint: DTLS cannot be set up.
    for (auto pos = sdp.find("a=fingerprint"); pos != std::string::npos; pos = sdp.find("a=fingerprint")) {
        sdp.erase(pos, sdp.find('\n', pos) - pos + 1);
    }
    w.server_says(bob, signal_from(w, ada, {{"kind", "offer"}, {"call", "x-1"}, {"sdp", sdp}, {"video", true}}));
    CHECK(phase(w, bob) == CallPhase::ended);
    CHECK(reason(w, bob) == EndReason::failed);
    CHECK_THAT(w.view(bob).call.status, Catch::Contains("fingerprint"));
    CHECK_FALSE(w.view(bob).call.ringing);
    CHECK(w.count<SetRemoteDescription>(bob) == 0);
}

TEST_CASE("signals of another call or from someone else are ignored, malformed ones refused", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    int cyd = w.join("Cyd");
    connect(w, ada, bob);
    const auto actions_before = w.log(ada).size();
    const std::string call_id = w.id(ada) + "-1";

    w.server_says(ada, signal_from(w, cyd, {{"kind", "hangup"}, {"call", call_id}}));           // wrong sender
    w.server_says(ada, signal_from(w, bob, {{"kind", "answer"}, {"call", "stale-7"}, {"sdp", "v=0"}}));
    w.server_says(ada, signal_from(w, bob, {{"kind", "answer"}, {"call", call_id}, {"sdp", "v=0"}}));  // unasked
    w.server_says(ada, signal_from(w, bob, {{"kind", "candidate"}, {"call", "old-1"}, {"candidate", "x"}, {"mid", "0"}, {"mline", 0}}));
    CHECK(phase(w, ada) == CallPhase::connected);
    CHECK(w.log(ada).size() == actions_before);
    // Malformed: answered with a refusal (signal_refusal_test.cpp), nothing else changes.
    w.server_says(ada, signal_from(w, bob, {{"kind", 42}}));
    CHECK(phase(w, ada) == CallPhase::connected);
    // The refusal, and the page redrawn for its notice; nothing else.
    REQUIRE(w.log(ada).size() == actions_before + 2);
    const auto* refusal = std::get_if<SendToServer>(&w.log(ada)[actions_before]);
    REQUIRE(refusal);
    CHECK(std::holds_alternative<Render>(w.log(ada).back()));
    CHECK_THAT(w.view(ada).notice, Catch::Contains("could not be used"));
    CHECK(refusal->text.find(R"("kind":"refused")") != std::string::npos);

    w.server_says(ada, signal_from(w, bob, {{"kind", "hangup"}, {"call", call_id}}));
    CHECK(phase(w, ada) == CallPhase::ended);
}

TEST_CASE("calling someone who is not online is refused with a notice", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    w.send(ada, CallIntent{"id-99", true});
    CHECK(phase(w, ada) == CallPhase::idle);
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

TEST_CASE("a device that lost its network says so, and reconnects the moment it is back", "[recovery][network]") {
    FakeWorld w;
    int ada = w.join("Ada");
    w.stop_server();  // the network went: the socket closed
    w.send(ada, NetworkChanged{false});
    CHECK(w.view(ada).link == LinkState::reconnecting);
    CHECK(w.view(ada).network_down);
    // Backoff built up while nothing could work: 0.5, 1, 2 s …
    REQUIRE(w.fire_timer(ada, 500));
    REQUIRE(w.fire_timer(ada, 1000));
    CHECK(w.view(ada).link == LinkState::reconnecting);

    // Back: no waiting out the 2 s timer.
    w.start_server();
    const auto connects = w.count<ConnectServer>(ada);
    w.send(ada, NetworkChanged{true});
    CHECK(w.count<ConnectServer>(ada) == connects + 1);
    CHECK(w.view(ada).link == LinkState::online);
    CHECK_FALSE(w.view(ada).network_down);
    CHECK_FALSE(w.fire_timer(ada, 2000));  // the backoff timer was cancelled

    // Online again while connected: nothing to do.
    w.send(ada, NetworkChanged{true});
    CHECK(w.count<ConnectServer>(ada) == connects + 1);
}
