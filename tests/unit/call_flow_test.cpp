// Whole calls played between Apps through the fake relay, without a browser: ringing, accept,
// decline, cancel, missed, busy, hang up. Glare is in call_glare_test.cpp.
#include <catch2/catch.hpp>

#include "call_helpers.hpp"

using namespace peerline;
using namespace peerline::testing;

TEST_CASE("clients see each other come and go", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    REQUIRE(w.view(ada).online);
    CHECK(w.view(ada).link == LinkState::online);
    REQUIRE(w.view(ada).peers.size() == 1);
    CHECK(w.view(ada).peers[0].name == "Bob");
    CHECK(w.view(ada).peers[0].can_call);
    REQUIRE(w.view(bob).peers.size() == 1);
    CHECK(w.view(bob).peers[0].name == "Ada");

    w.leave(bob);
    CHECK(w.view(ada).peers.empty());
}

TEST_CASE("a new display name reaches the others, and a blank one is refused", "[roster]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    w.send(ada, RenameIntent{"  Ada Lovelace \n"});
    CHECK(w.view(ada).self_name == "Ada Lovelace");
    REQUIRE(w.view(bob).peers.size() == 1);
    CHECK(w.view(bob).peers[0].name == "Ada Lovelace");
    const auto sent = w.actions<SendToServer>(ada).back().text;
    CHECK(sent.find(R"("type":"rename")") != std::string::npos);

    const auto before = w.count<SendToServer>(ada);
    w.send(ada, RenameIntent{" \t "});
    CHECK(w.view(ada).self_name == "Ada Lovelace");
    CHECK_FALSE(w.view(ada).notice.empty());
    w.send(ada, RenameIntent{"Ada Lovelace"});  // unchanged: nothing to tell
    CHECK(w.count<SendToServer>(ada) == before);
    CHECK(w.view(ada).notice.empty());  // the refusal of the blank name no longer applies

    // Someone who joins later sees the new name.
    int cy = w.join("Cy");
    CHECK(w.view(cy).peers[0].name == "Ada Lovelace");
}

TEST_CASE("a call rings, media opens on the callee only when accepted", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    call(w, ada, bob);

    // The caller has opened its devices and offered; the callee rings with nothing opened.
    CHECK(phase(w, ada) == CallPhase::ringing_out);
    CHECK(w.view(ada).call.status == "Ringing Bob…");
    CHECK(w.view(ada).call.can_cancel);
    CHECK(w.count<RequestMedia>(ada) == 1);
    CHECK(w.count<CreateOffer>(ada) == 1);
    CHECK(phase(w, bob) == CallPhase::ringing_in);
    CHECK(w.view(bob).call.ringing);
    CHECK(w.view(bob).call.can_accept);
    CHECK(w.view(bob).call.status == "Ada is calling you (video)");
    CHECK(w.count<RequestMedia>(bob) == 0);
    // Its connection already took the offer, but says nothing of its own before Accept: no
    // description, so no candidate gathered; nothing of the caller plays.
    CHECK(w.count<CreatePeerConnection>(bob) == 1);
    CHECK(w.actions<SetRemoteDescription>(bob).at(0).type == "offer");
    CHECK(w.count<CreateAnswer>(bob) == 0);
    CHECK(w.count<SetLocalDescription>(bob) == 0);
    CHECK(w.count<AddLocalTracks>(bob) == 0);
    CHECK(w.view(bob).call.remote_pc == 0);

    w.send(bob, AcceptIntent{true});
    CHECK(phase(w, ada) == CallPhase::connected);
    CHECK(phase(w, bob) == CallPhase::connected);
    CHECK(w.view(ada).call.status == "In a call with Bob");
    CHECK(w.view(ada).call.remote_pc != 0);
    CHECK(w.view(bob).call.remote_pc != 0);
    CHECK_FALSE(w.view(bob).call.ringing);
    CHECK_FALSE(w.view(ada).peers[0].can_call);

    // The caller offers, the callee answers after applying the offer.
    CHECK(w.count<CreateOffer>(bob) == 0);
    REQUIRE(w.count<CreateAnswer>(bob) == 1);
    CHECK(w.actions<SetRemoteDescription>(bob).at(0).type == "offer");
    CHECK(w.actions<SetRemoteDescription>(ada).at(0).type == "answer");
    // A first call: the caller's devices might prompt, so it offers once they are open.
    CHECK(first_index<AttachLocalTracks>(w, ada) < first_index<CreateOffer>(w, ada));
    // The callee's tracks, then their codec order, then the answer.
    CHECK(first_index<RequestMedia>(w, bob) < first_index<AddLocalTracks>(w, bob));
    CHECK(first_index<AddLocalTracks>(w, bob) < first_index<SetCodecPreferences>(w, bob));
    CHECK(first_index<SetCodecPreferences>(w, bob) < first_index<CreateAnswer>(w, bob));
    CHECK(first_index<SetRemoteDescription>(w, bob) < first_index<CreateAnswer>(w, bob));
    // One real candidate each way; end-of-candidates is not sent.
    CHECK(w.count<AddIceCandidate>(ada) == 1);
    CHECK(w.count<AddIceCandidate>(bob) == 1);
    // Stats are collected once connected, then every second.
    CHECK(w.count<CollectStats>(ada) == 1);
    CHECK(w.fire_timer(ada, call_timing::kStatsEveryMs));
    CHECK(w.count<CollectStats>(ada) == 2);
}

TEST_CASE("with its devices allowed, the caller offers before its camera is open", "[call]") {
    FakeWorld w;
    FakeWorld::Options slow;
    slow.media_is_slow = true;  // getUserMedia answers only at release_media
    int ada = w.join("Ada", slow);
    int bob = w.join("Bob");

    SECTION("nothing known: the offer waits for the devices, which may prompt") {
        call(w, ada, bob);
        CHECK(w.count<CreateOffer>(ada) == 0);
        CHECK(phase(w, bob) == CallPhase::idle);
        w.release_media(ada);
        CHECK(phase(w, bob) == CallPhase::ringing_in);
    }
    SECTION("the camera alone is not enough for a call with a microphone") {
        w.send(ada, DevicePermission{"camera", true});
        call(w, ada, bob);
        CHECK(w.count<CreateOffer>(ada) == 0);
    }
    SECTION("granted by the Permissions API, or opened before on this page") {
        const bool granted_by_api = GENERATE(true, false);
        if (granted_by_api) {
            w.send(ada, DevicePermission{"microphone", true});
            w.send(ada, DevicePermission{"camera", true});
        } else {
            call(w, ada, bob);
            w.release_media(ada);
            w.send(bob, AcceptIntent{true});
            REQUIRE(phase(w, ada) == CallPhase::connected);
            w.send(ada, HangUpIntent{});
            REQUIRE(phase(w, bob) == CallPhase::ended);
        }
        const auto offers = w.count<CreateOffer>(ada);
        const auto attached = w.count<AttachLocalTracks>(ada);
        const auto transceivers = w.count<AddTransceiver>(ada);
        call(w, ada, bob);
        // Ringing while Ada's camera is still opening: the transceivers carry no track yet.
        CHECK(phase(w, bob) == CallPhase::ringing_in);
        CHECK(w.count<AddTransceiver>(ada) == transceivers + 2);
        CHECK(w.count<AttachLocalTracks>(ada) == attached);
        w.send(bob, AcceptIntent{true});
        w.release_media(ada);
        CHECK(w.count<AttachLocalTracks>(ada) == attached + 1);
        CHECK(w.count<CreateOffer>(ada) == offers + 1);  // the tracks need no second offer
        CHECK(phase(w, ada) == CallPhase::connected);
        CHECK(phase(w, bob) == CallPhase::connected);
    }
    SECTION("a revoked permission means a prompt again") {
        w.send(ada, DevicePermission{"microphone", true});
        w.send(ada, DevicePermission{"camera", true});
        w.send(ada, DevicePermission{"camera", false});
        call(w, ada, bob);
        CHECK(w.count<CreateOffer>(ada) == 0);
    }
    SECTION("the Permissions API saying prompt outweighs a device opened before (a one-time grant)") {
        w.send(ada, DevicePermission{"microphone", false});
        w.send(ada, DevicePermission{"camera", false});
        call(w, ada, bob);
        w.release_media(ada);
        w.send(bob, AcceptIntent{true});
        REQUIRE(phase(w, ada) == CallPhase::connected);
        w.send(ada, HangUpIntent{});
        const auto offers = w.count<CreateOffer>(ada);
        call(w, ada, bob);
        CHECK(w.count<CreateOffer>(ada) == offers);
    }
    SECTION("ended before the devices opened: they are stopped, and a mute chosen meanwhile holds") {
        w.send(ada, DevicePermission{"microphone", true});
        w.send(ada, DevicePermission{"camera", true});
        call(w, ada, bob);
        w.send(bob, AcceptIntent{true});
        REQUIRE(phase(w, ada) == CallPhase::connected);  // Ada's camera is still opening
        w.send(ada, SetMicMuted{true});
        // Ada's page must not tell Bob her camera is off just because it has not opened yet.
        // A copy: actions() returns a new vector, gone at the end of this statement.
        const std::string said = w.actions<SendToServer>(ada).back().text;
        CHECK(said.find(R"("cameraOff":false)") != std::string::npos);
        w.release_media(ada);
        const auto& log = w.log(ada);
        const auto attach = first_index<AttachLocalTracks>(w, ada);
        bool muted_after_attach = false;
        for (auto i = static_cast<std::size_t>(attach); i < log.size(); ++i) {
            const auto* enabled = std::get_if<SetTrackEnabled>(&log[i]);
            if (enabled && enabled->kind == "audio" && !enabled->enabled) muted_after_attach = true;
        }
        CHECK(muted_after_attach);

        w.send(ada, HangUpIntent{});
        const auto stops = w.count<StopMedia>(ada);
        call(w, ada, bob);
        w.send(bob, AcceptIntent{true});
        REQUIRE(phase(w, ada) == CallPhase::connected);
        w.send(ada, HangUpIntent{});  // before getUserMedia answered
        CHECK(w.count<StopMedia>(ada) == stops + 1);
    }
}

TEST_CASE("codec policy goes through setCodecPreferences and the Opus edit", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    connect(w, ada, bob);
    auto prefs = w.actions<SetCodecPreferences>(ada);
    REQUIRE(prefs.size() == 2);
    CHECK(prefs[0].kind == "audio");
    CHECK(prefs[0].mime_order.at(0) == "audio/opus");
    CHECK(prefs[1].mime_order.at(0) == "video/VP8");
    CHECK(first_index<SetCodecPreferences>(w, ada) < first_index<CreateOffer>(w, ada));
    // The description set locally and the one sent carry our Opus parameters.
    const auto local = w.actions<SetLocalDescription>(ada).at(0).sdp;
    CHECK(local.find("usedtx=1") != std::string::npos);
    CHECK(local.find("useinbandfec=1") != std::string::npos);
    CHECK(w.actions<SetRemoteDescription>(bob).at(0).sdp == local);
}

TEST_CASE("an audio-only call asks for no camera on either side", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    call(w, ada, bob, /*video=*/false);
    CHECK(w.view(bob).call.status == "Ada is calling you (audio only)");
    w.send(bob, AcceptIntent{true});
    CHECK_FALSE(w.actions<RequestMedia>(ada).at(0).video);
    CHECK_FALSE(w.actions<RequestMedia>(bob).at(0).video);
    CHECK(phase(w, bob) == CallPhase::connected);
    CHECK_FALSE(w.view(bob).call.can_toggle_camera);
}

TEST_CASE("accepting audio only opens no camera on the callee", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    call(w, ada, bob);
    w.send(bob, AcceptIntent{false});
    CHECK_FALSE(w.actions<RequestMedia>(bob).at(0).video);
    CHECK(phase(w, ada) == CallPhase::connected);
    CHECK_FALSE(w.view(bob).call.show_local_video);
}

TEST_CASE("declining ends the call on both sides with the reason", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    call(w, ada, bob);
    w.send(bob, DeclineIntent{});
    CHECK(reason(w, ada) == EndReason::declined);
    CHECK(reason(w, bob) == EndReason::declined);
    CHECK(w.view(ada).call.status == "Bob declined the call");
    CHECK(w.view(bob).call.status == "You declined the call from Ada");
    CHECK(w.count<StopMedia>(ada) == 1);
    CHECK(w.count<ClosePeerConnection>(ada) == 1);
    CHECK(w.count<RequestMedia>(bob) == 0);
    CHECK(w.open_pcs(ada) == 0);
}

TEST_CASE("cancelling while it rings shows a missed call to the callee", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    call(w, ada, bob);
    w.send(ada, HangUpIntent{});
    CHECK(reason(w, ada) == EndReason::cancelled);
    CHECK(w.view(ada).call.status == "Call cancelled");
    CHECK(reason(w, bob) == EndReason::cancelled);
    CHECK(w.view(bob).call.status == "Missed call from Ada");
    CHECK_FALSE(w.view(bob).call.ringing);
}

TEST_CASE("a cancel that crosses the accept is not shown as a missed call", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    call(w, ada, bob);
    w.hold_messages(true);  // both click at once
    w.send(ada, HangUpIntent{});
    w.send(bob, AcceptIntent{true});
    w.release_held();
    CHECK(reason(w, bob) == EndReason::cancelled);
    CHECK(w.view(bob).call.status == "Call with Ada ended");
}

TEST_CASE("an unanswered call is missed on both sides after the ring timeout", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    call(w, ada, bob);
    REQUIRE(w.fire_timer(bob, call_timing::kRingMs));
    CHECK(reason(w, bob) == EndReason::missed);
    CHECK(w.view(bob).call.status == "Missed call from Ada");
    CHECK(reason(w, ada) == EndReason::missed);
    CHECK(w.view(ada).call.status == "Bob did not answer");
    // The caller's own ring timer was cancelled with the call.
    CHECK_FALSE(w.fire_timer(ada, call_timing::kRingMs));
}

TEST_CASE("hanging up ends the call on both sides and releases everything", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    connect(w, ada, bob);
    w.send(bob, HangUpIntent{});
    for (int c : {ada, bob}) {
        CHECK(phase(w, c) == CallPhase::ended);
        CHECK(reason(w, c) == EndReason::hung_up);
        CHECK(w.open_pcs(c) == 0);
        CHECK(w.count<StopMedia>(c) == 1);
        CHECK(w.view(c).call.remote_pc == 0);
        CHECK_FALSE(w.view(c).call.can_hang_up);
        CHECK(w.view(c).peers[0].can_call);
    }
    CHECK(w.view(ada).call.status == "Call with Bob ended");
    // A new call after the old one works, the other way round.
    connect(w, bob, ada);
    CHECK(phase(w, ada) == CallPhase::connected);
}

TEST_CASE("a third caller gets busy while a call is up", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    int cyd = w.join("Cyd");
    connect(w, ada, bob);
    call(w, cyd, ada);
    CHECK(reason(w, cyd) == EndReason::busy);
    CHECK(w.view(cyd).call.status == "Ada is busy in another call");
    CHECK(phase(w, ada) == CallPhase::connected);
    CHECK(w.view(ada).call.peer_id == w.id(bob));
    CHECK(w.count<CreatePeerConnection>(ada) == 1);
}

TEST_CASE("someone ringing is busy for a second caller too", "[call]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    int cyd = w.join("Cyd");
    call(w, ada, bob);
    call(w, cyd, bob);
    CHECK(reason(w, cyd) == EndReason::busy);
    CHECK(phase(w, bob) == CallPhase::ringing_in);
    CHECK(w.view(bob).call.peer_name == "Ada");
}
