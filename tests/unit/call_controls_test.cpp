// The controls of a call: mute, camera, the peer's volume, devices, and the stats panel.
#include <catch2/catch.hpp>

#include "call_helpers.hpp"

using namespace peerline;
using namespace peerline::testing;

TEST_CASE("muting yourself disables the track and shows the peer a muted badge", "[call][controls]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    connect(w, ada, bob);
    w.send(ada, SetMicMuted{true});
    auto enabled = w.actions<SetTrackEnabled>(ada);
    REQUIRE(enabled.size() == 1);
    CHECK(enabled[0].kind == "audio");
    CHECK_FALSE(enabled[0].enabled);
    CHECK(w.view(ada).call.mic_muted);
    CHECK(w.view(bob).call.remote_mic_muted);
    w.send(ada, SetMicMuted{false});
    CHECK_FALSE(w.view(bob).call.remote_mic_muted);
}

TEST_CASE("camera off hides our preview and shows the peer our avatar", "[call][controls]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    connect(w, ada, bob);
    CHECK(w.view(ada).call.show_local_video);
    w.send(ada, SetCameraOff{true});
    CHECK(w.actions<SetTrackEnabled>(ada).back().kind == "video");
    CHECK_FALSE(w.view(ada).call.show_local_video);
    CHECK(w.view(bob).call.remote_camera_off);
}

TEST_CASE("a peer without a camera is shown as camera off", "[call][controls]") {
    FakeWorld w;
    int ada = w.join("Ada");
    FakeWorld::Options no_camera;
    no_camera.has_camera = false;
    int bob = w.join("Bob", no_camera);
    connect(w, ada, bob);
    CHECK(phase(w, ada) == CallPhase::connected);
    CHECK(w.view(ada).call.remote_camera_off);
    CHECK_FALSE(w.view(bob).call.can_toggle_camera);
}

TEST_CASE("muting the peer and its volume stay local", "[call][controls]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    connect(w, ada, bob);
    const auto sent = w.count<SendToServer>(ada);
    w.send(ada, SetPeerMuted{true});
    w.send(ada, SetPeerVolume{0.25});
    CHECK(w.view(ada).call.peer_muted);
    CHECK(w.view(ada).call.peer_volume == Approx(0.25));
    CHECK(w.count<SendToServer>(ada) == sent);
    CHECK_FALSE(w.view(bob).call.remote_mic_muted);
    w.send(ada, SetPeerVolume{7.0});
    CHECK(w.view(ada).call.peer_volume == Approx(1.0));
}

TEST_CASE("choosing a device inside a call swaps the track, outside, it waits for the next call", "[call][controls]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    w.send(ada, DevicesListed{{{"mic-2", "audioinput", "USB mic"}, {"cam-2", "videoinput", "USB cam"}}});
    CHECK(w.view(ada).devices.devices.size() == 2);
    w.send(ada, SelectDevice{"videoinput", "cam-2"});
    CHECK(w.count<SwitchDevice>(ada) == 0);
    CHECK(w.view(ada).devices.video_input == "cam-2");

    connect(w, ada, bob);
    CHECK(w.actions<RequestMedia>(ada).at(0).video_device == "cam-2");
    w.send(ada, SelectDevice{"audioinput", "mic-2"});
    REQUIRE(w.count<SwitchDevice>(ada) == 1);
    CHECK(w.actions<SwitchDevice>(ada)[0].device_id == "mic-2");
    const auto offers = w.count<CreateOffer>(ada);
    CHECK(w.count<CreateOffer>(ada) == offers);  // replaceTrack: no renegotiation
}

TEST_CASE("a device chosen while the call rings is the one opened on accept", "[call][controls]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    w.send(bob, DevicesListed{{{"cam-2", "videoinput", "USB cam"}}});
    call(w, ada, bob);
    REQUIRE(phase(w, bob) == CallPhase::ringing_in);
    w.send(bob, SelectDevice{"videoinput", "cam-2"});
    w.send(bob, AcceptIntent{true});
    REQUIRE(w.count<RequestMedia>(bob) == 1);
    CHECK(w.actions<RequestMedia>(bob)[0].video_device == "cam-2");
    CHECK(phase(w, bob) == CallPhase::connected);
}

TEST_CASE("stats go on after a reconnect", "[call][stats][recovery]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    connect(w, ada, bob);
    w.set_pc_state(ada, "disconnected");
    // The one-second tick while reconnecting collects nothing and is not re-armed.
    const auto before = w.count<CollectStats>(ada);
    REQUIRE(w.fire_timer(ada, call_timing::kStatsEveryMs));
    CHECK(w.count<CollectStats>(ada) == before);
    w.set_pc_state(ada, "connected");
    CHECK(w.count<CollectStats>(ada) == before + 1);
    REQUIRE(w.fire_timer(ada, call_timing::kStatsEveryMs));
    CHECK(w.count<CollectStats>(ada) == before + 2);
}

// A video call from someone without a camera (none plugged in, busy, or blocked): they still
// see the peer, but must not offer to send video, or the peer's page would hold a video track
// that never gets a frame, and Chromium then plays none of the stream, sound included.
TEST_CASE("a caller without a camera receives video but does not offer to send it", "[call][controls]") {
    FakeWorld w;
    FakeWorld::Options no_camera;
    no_camera.has_camera = false;
    int ada = w.join("Ada", no_camera);
    int bob = w.join("Bob");
    SECTION("the offer waited for the devices: the video transceiver is receive-only from the start") {
        call(w, ada, bob);
        const auto added = w.actions<AddTransceiver>(ada);
        REQUIRE(added.size() == 2);
        CHECK(added[1].kind == "video");
        CHECK_FALSE(added[1].send);
        CHECK(w.count<StopSending>(ada) == 0);
    }
    SECTION("offered before the devices opened: sending video is withdrawn when no camera came") {
        w.send(ada, DevicePermission{"microphone", true});
        w.send(ada, DevicePermission{"camera", true});
        call(w, ada, bob);
        const auto added = w.actions<AddTransceiver>(ada);
        REQUIRE(added.size() == 2);
        CHECK(added[1].send);
        REQUIRE(w.count<StopSending>(ada) == 1);
        CHECK(w.actions<StopSending>(ada)[0].kind == "video");
    }
    w.send(bob, AcceptIntent{true});
    CHECK(phase(w, ada) == CallPhase::connected);
    CHECK(phase(w, bob) == CallPhase::connected);
    // Bob's page knows there is no picture from Ada: her avatar, not an empty frame.
    CHECK(w.view(bob).call.remote_camera_off);
}

TEST_CASE("live stats from real Chromium reports reach the call panel", "[call][stats]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    connect(w, ada, bob);
    const int pc = w.view(ada).call.remote_pc;
    w.send(ada, StatsReport{pc, fixture("stats/chromium-loopback-1.json")});
    CHECK(w.view(ada).call.stats_line.empty());  // one sample gives no rates yet
    w.send(ada, StatsReport{pc, fixture("stats/chromium-loopback-2.json")});
    const auto& panel = w.view(ada).call;
    CHECK(panel.stats.valid);
    CHECK(panel.stats.bitrate_in_kbps > 0);
    CHECK(panel.stats.path == "host");
    CHECK_FALSE(panel.stats_line.empty());
    CHECK(panel.bitrate_in_history.size() == 1);
    // Garbage changes nothing.
    w.send(ada, StatsReport{pc, "not json"});
    CHECK(w.view(ada).call.stats.valid);
}

TEST_CASE("a renegotiation the browser asks for after connecting is offered", "[call][negotiation]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    connect(w, ada, bob);
    const int pc = w.view(bob).call.remote_pc;
    const auto answers = w.count<CreateAnswer>(ada);
    w.send(bob, NegotiationNeeded{pc});
    CHECK(w.count<CreateOffer>(bob) == 1);
    CHECK(w.count<CreateAnswer>(ada) == answers + 1);
    CHECK(phase(w, ada) == CallPhase::connected);
}

TEST_CASE("colliding renegotiation offers: the polite callee yields", "[call][negotiation]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    connect(w, ada, bob);
    const int ada_pc = w.view(ada).call.remote_pc;
    const int bob_pc = w.view(bob).call.remote_pc;
    const auto ada_answers = w.count<CreateAnswer>(ada);
    const auto bob_answers = w.count<CreateAnswer>(bob);
    w.hold_messages(true);
    w.send(ada, NegotiationNeeded{ada_pc});
    w.send(bob, NegotiationNeeded{bob_pc});
    w.release_held();
    // The impolite caller ignored Bob's offer; Bob rolled back and answered Ada's.
    CHECK(w.count<CreateAnswer>(ada) == ada_answers);
    CHECK(w.count<CreateAnswer>(bob) == bob_answers + 1);
    CHECK(phase(w, ada) == CallPhase::connected);
    CHECK(phase(w, bob) == CallPhase::connected);
}
