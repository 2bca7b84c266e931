// Two people who call each other at once (glare) end up in exactly one call, whatever the
// order their clicks and offers arrive in, and whoever's offer waits for a permission prompt.
#include <catch2/catch.hpp>

#include "call_helpers.hpp"

using namespace peerline;
using namespace peerline::testing;

TEST_CASE("two people calling each other at once end up in exactly one call", "[call][glare]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    // Both click before either offer arrives.
    w.hold_messages(true);
    call(w, ada, bob);
    call(w, bob, ada);
    CHECK(phase(w, ada) == CallPhase::ringing_out);
    CHECK(phase(w, bob) == CallPhase::ringing_out);
    w.release_held();

    CHECK(phase(w, ada) == CallPhase::connected);
    CHECK(phase(w, bob) == CallPhase::connected);
    CHECK(w.view(ada).call.peer_id == w.id(bob));
    CHECK(w.open_pcs(ada) == 1);
    CHECK(w.open_pcs(bob) == 1);
    // The surviving call is the one placed by the smaller id (Ada's), on both sides.
    CHECK_FALSE(w.view(ada).call.ringing);
    CHECK_FALSE(w.view(bob).call.ringing);
    CHECK(w.count<CreateAnswer>(bob) == 1);
    CHECK(w.count<CreateAnswer>(ada) == 0);
}

// Glare where the winner's offer waits for a permission prompt (its devices were never allowed)
// while the loser offered at once: the loser's call must not outlive the winner's.
TEST_CASE("a glare winner whose offer never left ends the loser's call with its own", "[call][glare]") {
    FakeWorld w;
    FakeWorld::Options prompting;
    prompting.media_is_slow = true;
    int ada = w.join("Ada", prompting);  // the smaller id: her call wins
    int bob = w.join("Bob");
    w.send(bob, DevicePermission{"microphone", true});
    w.send(bob, DevicePermission{"camera", true});
    w.hold_messages(true);
    call(w, ada, bob);
    call(w, bob, ada);
    w.release_held();
    REQUIRE(w.count<CreateOffer>(bob) == 1);  // Bob offered at once; Ada ignored it and waits
    REQUIRE(w.count<CreateOffer>(ada) == 0);
    REQUIRE(phase(w, ada) == CallPhase::ringing_out);
    REQUIRE(phase(w, bob) == CallPhase::ringing_out);

    SECTION("she hangs up while the prompt is open") {
        w.send(ada, HangUpIntent{});
        CHECK(reason(w, ada) == EndReason::cancelled);
        CHECK(phase(w, bob) == CallPhase::ended);
        // For Bob, his call was not taken: declined, with the voice-message offer that brings.
        CHECK(reason(w, bob) == EndReason::declined);
        CHECK(w.view(bob).call.status == "Ada declined the call");
        CHECK(w.view(bob).voice.offer_to == w.id(ada));
        CHECK(w.open_pcs(bob) == 0);
    }
    SECTION("she refuses the camera and microphone") {
        w.send(ada, MediaFailed{"NotAllowedError: denied"});
        CHECK(reason(w, ada) == EndReason::failed);
        CHECK(reason(w, bob) == EndReason::failed);
        CHECK(w.view(bob).call.status == "Call with Ada failed: on the other side");
    }
    SECTION("she allows them: one call, and hanging up later says nothing about Bob's old one") {
        w.release_media(ada);
        REQUIRE(phase(w, ada) == CallPhase::connected);
        REQUIRE(phase(w, bob) == CallPhase::connected);
        const auto hangups_before = w.count<SendToServer>(ada);
        w.send(ada, HangUpIntent{});
        CHECK(w.count<SendToServer>(ada) == hangups_before + 1);  // one Hangup, for the live call
        CHECK(reason(w, bob) == EndReason::hung_up);
    }
}

// The roster's "Call <name>" button as the shell renders it: a disabled button sends nothing.
// Returns whether the click reached the core.
static bool click_call_button(FakeWorld& w, int client, int peer, bool video = true) {
    for (const auto& tile : w.view(client).peers) {
        if (tile.id != w.id(peer)) continue;
        if (!tile.can_call) return false;
        w.send(client, CallIntent{tile.id, video});
        return true;
    }
    return false;
}

// The glare race seen in e2e/glare.test.mjs: both click at once, but Bob's click lands after
// Ada's offer, when his page already rings. His click must still count as "yes".
TEST_CASE("a call back that lands after the caller's offer still connects from the roster", "[call][glare]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    int cyd = w.join("Cyd");
    REQUIRE(click_call_button(w, ada, bob));
    REQUIRE(phase(w, bob) == CallPhase::ringing_in);
    // Only the one who rings here can be called back; anyone else would be a second call.
    CHECK_FALSE(click_call_button(w, bob, cyd));
    CHECK(click_call_button(w, bob, ada));
    CHECK(phase(w, ada) == CallPhase::connected);
    CHECK(phase(w, bob) == CallPhase::connected);
    CHECK(phase(w, cyd) == CallPhase::idle);
    CHECK(w.count<CreateOffer>(bob) == 0);
    CHECK(w.open_pcs(bob) == 1);
    CHECK_FALSE(w.view(bob).call.ringing);
}

TEST_CASE("calling back someone whose call is ringing here accepts it", "[call][glare]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    call(w, ada, bob);  // Ada's offer reaches Bob before he clicks
    REQUIRE(phase(w, bob) == CallPhase::ringing_in);
    call(w, bob, ada);
    CHECK(phase(w, ada) == CallPhase::connected);
    CHECK(phase(w, bob) == CallPhase::connected);
    CHECK(w.count<CreateOffer>(bob) == 0);
    CHECK(w.open_pcs(bob) == 1);
}
