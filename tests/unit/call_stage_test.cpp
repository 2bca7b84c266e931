// What the call's stage shows (issue 19): when the call takes the stage, its timer, the
// connection-quality grade, the statistics toggle, and screen sharing by replaceTrack.
#include <catch2/catch.hpp>

#include <limits>
#include <optional>
#include <sstream>

#include "call_helpers.hpp"

using namespace peerline;
using namespace peerline::testing;

namespace {

// A report with one inbound video stream; rtt in seconds as getStats() gives it.
std::string report(double timestamp_ms, double bytes_in, double received, double lost, double rtt_s) {
    std::ostringstream r;
    r.precision(17);
    r << R"([{"id":"T","type":"transport","timestamp":)" << timestamp_ms
      << R"(,"selectedCandidatePairId":"CP"},)"
      << R"({"id":"CP","type":"candidate-pair","timestamp":)" << timestamp_ms
      << R"(,"localCandidateId":"L","remoteCandidateId":"R","currentRoundTripTime":)" << rtt_s << "},"
      << R"({"id":"L","type":"local-candidate","candidateType":"host"},)"
      << R"({"id":"R","type":"remote-candidate","candidateType":"host"},)"
      << R"({"id":"IV","type":"inbound-rtp","kind":"video","timestamp":)" << timestamp_ms
      << ",\"bytesReceived\":" << bytes_in << ",\"packetsReceived\":" << received
      << ",\"packetsLost\":" << lost << "}]";
    return r.str();
}

CallStats stats(double kbps_in, std::optional<double> rtt, std::optional<double> loss) {
    CallStats s;
    s.valid = true;
    s.bitrate_in_kbps = kbps_in;
    s.rtt_ms = rtt;
    s.packet_loss_pct = loss;
    return s;
}

}  // namespace

TEST_CASE("quality: each measure grades on its documented thresholds", "[call][quality]") {
    using namespace quality_thresholds;
    CHECK(grade_call_quality(CallStats{}, true) == CallQuality::unknown);
    CHECK(grade_call_quality(stats(800, 20, 0), true) == CallQuality::good);
    // Round-trip time.
    CHECK(grade_call_quality(stats(800, kFairRttMs - 1, 0), true) == CallQuality::good);
    CHECK(grade_call_quality(stats(800, kFairRttMs, 0), true) == CallQuality::fair);
    CHECK(grade_call_quality(stats(800, kPoorRttMs, 0), true) == CallQuality::poor);
    // Loss.
    CHECK(grade_call_quality(stats(800, 20, kFairLossPct - 0.1), true) == CallQuality::good);
    CHECK(grade_call_quality(stats(800, 20, kFairLossPct), true) == CallQuality::fair);
    CHECK(grade_call_quality(stats(800, 20, kPoorLossPct), true) == CallQuality::poor);
    // Bitrate counts only while a picture is expected.
    CHECK(grade_call_quality(stats(kFairVideoKbps - 1, 20, 0), true) == CallQuality::fair);
    CHECK(grade_call_quality(stats(kPoorVideoKbps - 1, 20, 0), true) == CallQuality::poor);
    CHECK(grade_call_quality(stats(10, 20, 0), false) == CallQuality::good);
    // Unknown measures do not count; the worst measure decides.
    CHECK(grade_call_quality(stats(800, std::nullopt, std::nullopt), true) == CallQuality::good);
    CHECK(grade_call_quality(stats(kFairVideoKbps - 1, kPoorRttMs, 0), true) == CallQuality::poor);
    CHECK(quality_label(CallQuality::fair) == "Fair connection");
    CHECK(quality_label(CallQuality::unknown).empty());
}

TEST_CASE("call duration reads as minutes and seconds, hours when it has them", "[call][quality]") {
    CHECK(format_call_duration(0) == "0:00");
    CHECK(format_call_duration(7.9) == "0:07");
    CHECK(format_call_duration(754) == "12:34");
    CHECK(format_call_duration(3723) == "1:02:03");
    CHECK(format_call_duration(-5) == "0:00");
    CHECK(format_call_duration(std::numeric_limits<double>::quiet_NaN()) == "0:00");
    CHECK(format_call_duration(1e300) == "8784:00:00");  // capped at a year
}

TEST_CASE("the call takes the stage from ringing out until it ends", "[call][stage]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    CHECK_FALSE(w.view(ada).call.on_stage);
    call(w, ada, bob);
    CHECK(w.view(ada).call.on_stage);            // ringing out: the caller waits on the stage
    CHECK_FALSE(w.view(bob).call.on_stage);      // ringing in: a dialog, the roster stays
    w.send(bob, AcceptIntent{true});
    CHECK(w.view(ada).call.on_stage);
    CHECK(w.view(bob).call.on_stage);
    w.send(ada, HangUpIntent{});
    CHECK_FALSE(w.view(ada).call.on_stage);
    CHECK_FALSE(w.view(bob).call.on_stage);
}

TEST_CASE("the call timer and quality come from the stats reports' own clock", "[call][stage][quality]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    connect(w, ada, bob);
    const int pc = w.view(ada).call.remote_pc;
    CHECK(w.view(ada).call.elapsed.empty());
    CHECK(w.view(ada).call.quality == CallQuality::unknown);
    CHECK(w.view(ada).call.quality_label.empty());
    // The first report comes one interval after connecting.
    w.send(ada, StatsReport{pc, report(10'000, 0, 0, 0, 0.01)});
    CHECK(w.view(ada).call.elapsed == "0:01");
    // 1 s later: 125 kB in = 1000 kb/s, no loss, 10 ms: good.
    w.send(ada, StatsReport{pc, report(11'000, 125'000, 100, 0, 0.01)});
    CHECK(w.view(ada).call.elapsed == "0:02");
    CHECK(w.view(ada).call.quality == CallQuality::good);
    CHECK(w.view(ada).call.quality_label == "Good connection");
    // A stream still ramping up is not graded on its bitrate: 40 kb/s in its third second is fine.
    w.send(ada, StatsReport{pc, report(12'000, 130'000, 200, 0, 0.01)});
    CHECK(w.view(ada).call.quality == CallQuality::good);
    // Five seconds in, it is: 40 kb/s of video is poor.
    for (double t = 13'000; t <= 15'000; t += 1000) {
        w.send(ada, StatsReport{pc, report(t, 130'000 + (t - 12'000) / 1000 * 5'000, 200 + (t - 12'000) / 10, 0, 0.01)});
    }
    CHECK(w.view(ada).call.quality == CallQuality::poor);
    // 65 s in, 20 % of the packets of that interval lost: poor.
    w.send(ada, StatsReport{pc, report(75'000, 8'125'000, 700, 50, 0.01)});
    CHECK(w.view(ada).call.elapsed == "1:06");
    CHECK(w.view(ada).call.quality == CallQuality::poor);
    // Reconnecting: nothing gets through, the indicator says so; the clock holds.
    w.set_pc_state(ada, "disconnected");
    CHECK(w.view(ada).call.quality == CallQuality::poor);
    CHECK(w.view(ada).call.elapsed == "1:06");
    w.send(ada, HangUpIntent{});
    CHECK(w.view(ada).call.elapsed.empty());
    CHECK(w.view(ada).call.quality == CallQuality::unknown);
}

TEST_CASE("the statistics panel stays as the user left it, across calls", "[call][stage]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    CHECK_FALSE(w.view(ada).call.stats_open);
    w.send(ada, ShowStatsIntent{true});
    CHECK(w.view(ada).call.stats_open);
    connect(w, ada, bob);
    CHECK(w.view(ada).call.stats_open);
    w.send(ada, ShowStatsIntent{false});
    CHECK_FALSE(w.view(ada).call.stats_open);
}

TEST_CASE("screen sharing replaces the camera and comes back to it, without renegotiation", "[call][screen]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    w.send(ada, ShareScreenIntent{true});  // no call: nothing to share into
    CHECK(w.count<StartScreenShare>(ada) == 0);
    connect(w, ada, bob);
    CHECK(w.view(ada).call.can_share_screen);
    const auto offers = w.count<CreateOffer>(ada) + w.count<CreateOffer>(bob);

    SECTION("stopped by the user") {
        w.send(ada, ShareScreenIntent{true});
        REQUIRE(w.count<StartScreenShare>(ada) == 1);
        CHECK(w.view(ada).call.sharing_screen);
        w.send(ada, ScreenShareStarted{});
        CHECK(w.view(ada).call.sharing_screen);
        CHECK_FALSE(w.view(ada).call.can_toggle_camera);  // the camera is off the sender meanwhile
        w.send(ada, ShareScreenIntent{true});             // a second click does not ask twice
        CHECK(w.count<StartScreenShare>(ada) == 1);
        w.send(ada, ShareScreenIntent{false});
        REQUIRE(w.count<StopScreenShare>(ada) == 1);
        CHECK(w.actions<StopScreenShare>(ada)[0].camera);
        CHECK_FALSE(w.view(ada).call.sharing_screen);
        CHECK(w.view(ada).call.can_toggle_camera);
    }
    SECTION("ended by the browser's own bar, with the camera off: nothing goes back on") {
        w.send(ada, SetCameraOff{true});
        w.send(ada, ShareScreenIntent{true});
        w.send(ada, ScreenShareStarted{});
        w.send(ada, ScreenShareEnded{});
        REQUIRE(w.count<StopScreenShare>(ada) == 1);
        CHECK_FALSE(w.actions<StopScreenShare>(ada)[0].camera);
        CHECK_FALSE(w.view(ada).call.sharing_screen);
    }
    SECTION("refused: a plain notice, the call goes on with the camera") {
        w.send(ada, ShareScreenIntent{true});
        w.send(ada, ScreenShareFailed{"NotAllowedError", "NotAllowedError: Permission denied"});
        CHECK_FALSE(w.view(ada).call.sharing_screen);
        CHECK(w.view(ada).notice == "Screen sharing did not start (not allowed or cancelled)");
        CHECK(phase(w, ada) == CallPhase::connected);
        CHECK(w.count<StopScreenShare>(ada) == 0);
        w.send(ada, ShareScreenIntent{true});  // and it may be tried again
        CHECK(w.count<StartScreenShare>(ada) == 2);
    }
    SECTION("the call ends while sharing: the capture stops too") {
        w.send(ada, ShareScreenIntent{true});
        w.send(ada, ScreenShareStarted{});
        w.send(bob, HangUpIntent{});
        REQUIRE(w.count<StopScreenShare>(ada) == 1);
        CHECK_FALSE(w.actions<StopScreenShare>(ada)[0].camera);
        CHECK_FALSE(w.view(ada).call.sharing_screen);
    }
    CHECK(w.count<CreateOffer>(ada) + w.count<CreateOffer>(bob) == offers);
}

TEST_CASE("a refused full-screen or picture-in-picture request is said plainly", "[call][stage]") {
    FakeWorld w;
    int ada = w.join("Ada");
    w.send(ada, PageRequestFailed{"full screen", "TypeError: Permissions check failed"});
    CHECK(w.view(ada).notice == "Could not switch to full screen: TypeError: Permissions check failed");
}

TEST_CASE("a camera chosen while the screen is shared is switched to when the sharing stops", "[call][screen]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    w.send(ada, DevicesListed{{{"cam-2", "videoinput", "USB cam"}}});
    connect(w, ada, bob);
    w.send(ada, ShareScreenIntent{true});
    w.send(ada, ScreenShareStarted{});
    w.send(ada, SelectDevice{"videoinput", "cam-2"});
    CHECK(w.count<SwitchDevice>(ada) == 0);  // it would have replaced the screen on the sender
    CHECK(w.view(ada).devices.video_input == "cam-2");
    w.send(ada, ScreenShareEnded{});
    REQUIRE(w.count<SwitchDevice>(ada) == 1);
    CHECK(w.actions<SwitchDevice>(ada)[0].device_id == "cam-2");
}

TEST_CASE("the app shell: a newer page offers a reload, a failed install is said once", "[app][shell]") {
    FakeWorld w;
    int ada = w.join("Ada");
    CHECK_FALSE(w.view(ada).update_ready);
    w.send(ada, ShellUpdateReady{});
    CHECK(w.view(ada).update_ready);
    w.send(ada, ShellInstallFailed{"SecurityError: the operation is insecure"});
    CHECK(w.view(ada).notice == "This page will not open offline: SecurityError: the operation is insecure");
    CHECK(w.view(ada).online);  // nothing else changes
}
