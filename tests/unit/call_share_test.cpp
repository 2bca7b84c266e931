// Screen sharing from a call that sends no video (issue 19): the screen goes on a video sender
// added by a renegotiation, the peer is told (media-state `screen`) and shows it, and stopping
// removes it again, back to audio only.
#include <catch2/catch.hpp>

#include "call_helpers.hpp"

using namespace peerline;
using namespace peerline::testing;

TEST_CASE("an audio-only call shares a screen by adding video, and returns to audio only", "[call][screen]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    connect(w, ada, bob, false);
    REQUIRE(phase(w, bob) == CallPhase::connected);
    CHECK(w.view(ada).call.can_share_screen);
    CHECK(w.view(bob).call.can_share_screen);  // the callee too: either side may offer
    const int pc = w.view(ada).call.remote_pc;
    const auto offers = w.count<CreateOffer>(ada);
    const auto answers = w.count<CreateAnswer>(bob);

    w.send(ada, ShareScreenIntent{true});
    REQUIRE(w.count<StartScreenShare>(ada) == 1);
    CHECK(w.actions<StartScreenShare>(ada)[0].add_video);
    CHECK(w.actions<StartScreenShare>(ada)[0].pc == pc);
    CHECK_FALSE(w.view(bob).call.remote_sharing);  // not until the screen is on the sender
    w.send(ada, ScreenShareStarted{});
    // The browser asks to renegotiate for the new sender; the core offers, the peer answers.
    w.send(ada, NegotiationNeeded{pc});
    CHECK(w.count<CreateOffer>(ada) == offers + 1);
    CHECK(w.count<CreateAnswer>(bob) == answers + 1);
    CHECK(w.view(bob).call.remote_sharing);
    CHECK_FALSE(w.view(bob).call.video);  // still an audio call: the stage shows the share only
    CHECK(w.view(ada).call.sharing_screen);
    CHECK_FALSE(w.view(ada).call.can_toggle_camera);
    CHECK(phase(w, ada) == CallPhase::connected);

    SECTION("stopped by the user") { w.send(ada, ShareScreenIntent{false}); }
    SECTION("ended by the browser's own bar") { w.send(ada, ScreenShareEnded{}); }

    REQUIRE(w.count<StopScreenShare>(ada) == 1);
    const auto stop = w.actions<StopScreenShare>(ada)[0];
    CHECK(stop.remove_video);
    CHECK_FALSE(stop.camera);  // there is no camera in this call to put back
    CHECK_FALSE(w.view(ada).call.sharing_screen);
    CHECK_FALSE(w.view(bob).call.remote_sharing);
    CHECK(phase(w, bob) == CallPhase::connected);
}

TEST_CASE("a video call shares by replacing the camera and tells the peer", "[call][screen]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    connect(w, ada, bob);
    w.send(ada, ShareScreenIntent{true});
    REQUIRE(w.count<StartScreenShare>(ada) == 1);
    CHECK_FALSE(w.actions<StartScreenShare>(ada)[0].add_video);  // replaceTrack, no renegotiation
    w.send(ada, ScreenShareStarted{});
    CHECK(w.view(bob).call.remote_sharing);
    w.send(ada, ShareScreenIntent{false});
    CHECK_FALSE(w.actions<StopScreenShare>(ada)[0].remove_video);
    CHECK_FALSE(w.view(bob).call.remote_sharing);
}

TEST_CASE("an audio-only call that ends while sharing removes the added video with the capture", "[call][screen]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    connect(w, ada, bob, false);
    w.send(bob, ShareScreenIntent{true});
    w.send(bob, ScreenShareStarted{});
    CHECK(w.view(ada).call.remote_sharing);
    w.send(ada, HangUpIntent{});
    REQUIRE(w.count<StopScreenShare>(bob) == 1);
    CHECK(w.actions<StopScreenShare>(bob)[0].remove_video);
    CHECK_FALSE(w.view(ada).call.remote_sharing);  // an ended call shows no one's screen
}

TEST_CASE("a share that needs a renegotiation waits for the first one", "[call][screen]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    call(w, ada, bob, false);  // ringing: nothing negotiated yet
    CHECK_FALSE(w.view(ada).call.can_share_screen);
    w.send(ada, ShareScreenIntent{true});
    CHECK(w.count<StartScreenShare>(ada) == 0);
}
