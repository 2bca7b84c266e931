// Stats derivation, driven by real Chromium getStats() reports (tests/fixtures/stats, made by
// capture.mjs there) and by small hand-written reports for the edge cases a live call rarely shows.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "stats.hpp"

using namespace peerline;

namespace {

std::string fixture(const std::string& name) {
    std::string here = __FILE__;
    here = here.substr(0, here.find_last_of('/'));
    std::ifstream file(here + "/../fixtures/stats/" + name, std::ios::binary);
    REQUIRE(file.good());
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

StatsSample parse_ok(const std::string& text) {
    auto sample = parse_stats_report(text);
    if (!sample) FAIL(sample.error().code + ": " + sample.error().message);
    return sample.value();
}

std::string parse_error_code(const std::string& text) {
    auto sample = parse_stats_report(text);
    REQUIRE_FALSE(sample.ok());
    return sample.error().code;
}

// A minimal report: one inbound and one outbound video stream on a selected host pair.
std::string report(double timestamp, double bytes_in, double bytes_out, double received = 0,
                   double lost = 0, const std::string& in_id = "IV1") {
    std::ostringstream r;
    r.precision(17);
    r << R"([{"id":"T","type":"transport","timestamp":)" << timestamp
      << R"(,"selectedCandidatePairId":"CP"},)"
      << R"({"id":"CP","type":"candidate-pair","timestamp":)" << timestamp
      << R"(,"localCandidateId":"L","remoteCandidateId":"R","currentRoundTripTime":0.0034},)"
      << R"({"id":"L","type":"local-candidate","candidateType":"host"},)"
      << R"({"id":"R","type":"remote-candidate","candidateType":"host"},)"
      << R"({"id":")" << in_id << R"(","type":"inbound-rtp","kind":"video","timestamp":)" << timestamp
      << ",\"bytesReceived\":" << bytes_in << ",\"packetsReceived\":" << received
      << ",\"packetsLost\":" << lost << "},"
      << R"({"id":"OV1","type":"outbound-rtp","kind":"video","timestamp":)" << timestamp
      << ",\"bytesSent\":" << bytes_out << "}]";
    return r.str();
}

}  // namespace

TEST_CASE("stats: a real Chromium loopback call gives sane values", "[stats]") {
    const StatsSample first = parse_ok(fixture("chromium-loopback-1.json"));
    const StatsSample second = parse_ok(fixture("chromium-loopback-2.json"));

    CHECK(second.timestamp_ms > first.timestamp_ms);
    CHECK(second.rtp.size() == 4);  // audio + video, each way
    CHECK(second.path == "host");
    CHECK(second.audio_codec == "opus");
    CHECK(second.video_codec == "VP8");
    // Chromium's fake camera: 640×480 at 20 fps.
    CHECK(second.frame_width == 640);
    CHECK(second.frame_height == 480);
    REQUIRE(second.frames_per_second);
    CHECK(*second.frames_per_second == Approx(20).margin(5));
    REQUIRE(second.rtt_ms);  // selected pair's currentRoundTripTime, loopback: about 1 ms
    CHECK(*second.rtt_ms > 0);
    CHECK(*second.rtt_ms < 50);
    REQUIRE(second.audio_jitter_ms);
    CHECK(*second.audio_jitter_ms >= 0);

    StatsTracker tracker;
    const CallStats at_start = tracker.update(first);
    CHECK_FALSE(at_start.valid);
    CHECK(at_start.bitrate_in_kbps == 0);
    CHECK(at_start.path == "host");  // instantaneous values are there from the first sample

    const CallStats stats = tracker.update(second);
    REQUIRE(stats.valid);
    // Chromium ramps a fresh VP8 call up from ~300 kb/s towards its 1.7 Mb/s target.
    CHECK(stats.bitrate_in_kbps > 50);
    CHECK(stats.bitrate_in_kbps < 5000);
    CHECK(stats.bitrate_out_kbps > 50);
    CHECK(stats.bitrate_out_kbps < 5000);
    REQUIRE(stats.packet_loss_pct);
    CHECK(*stats.packet_loss_pct == Approx(0).margin(1));
    CHECK(tracker.bitrate_in_history().size() == 1);

    const std::string line = format_stats_line(stats);
    CHECK(line.find("↓ ") == 0);
    CHECK(line.find("640×480@20") != std::string::npos);
    CHECK(line.find("VP8/opus") != std::string::npos);
    CHECK(line.substr(line.size() - 4) == "host");
}

TEST_CASE("stats: rates come from counter deltas over the reports' timestamps", "[stats]") {
    StatsTracker tracker;
    CHECK_FALSE(tracker.update(parse_ok(report(1000, 0, 0, 0, 0))).valid);
    // 150 000 bytes in and 112 500 out over 1 s: 1200 and 900 kb/s.
    const CallStats stats = tracker.update(parse_ok(report(2000, 150000, 112500, 90, 10)));
    REQUIRE(stats.valid);
    CHECK(stats.bitrate_in_kbps == Approx(1200));
    CHECK(stats.bitrate_out_kbps == Approx(900));
    REQUIRE(stats.packet_loss_pct);
    CHECK(*stats.packet_loss_pct == Approx(10));
    REQUIRE(stats.rtt_ms);
    CHECK(*stats.rtt_ms == Approx(3.4));
    CHECK(format_stats_line(stats) == "↓ 1.2 Mb/s ↑ 900 kb/s · RTT 3 ms · loss 10.0% · host");
}

TEST_CASE("stats: counter resets and odd timestamps never give negative or infinite rates", "[stats]") {
    StatsTracker tracker;
    tracker.update(parse_ok(report(1000, 500000, 500000, 1000, 0)));

    SECTION("a stream whose counters restart adds nothing for one interval") {
        const CallStats reset = tracker.update(parse_ok(report(2000, 1000, 600000, 10, 0)));
        REQUIRE(reset.valid);
        CHECK(reset.bitrate_in_kbps == 0);
        CHECK(reset.bitrate_out_kbps == Approx(800));
        CHECK_FALSE(reset.packet_loss_pct);  // no comparable packets: unknown, not 0 %
        // The restarted counters are the new baseline.
        const CallStats next = tracker.update(parse_ok(report(3000, 126000, 700000, 110, 0)));
        CHECK(next.bitrate_in_kbps == Approx(1000));
    }
    SECTION("a new stream (new id) is not counted with its whole history") {
        const CallStats stats = tracker.update(parse_ok(report(2000, 900000, 500000, 1000, 0, "IV2")));
        REQUIRE(stats.valid);
        CHECK(stats.bitrate_in_kbps == 0);
    }
    SECTION("the same timestamp twice gives no rates and no history point") {
        const CallStats stats = tracker.update(parse_ok(report(1000, 600000, 600000, 1100, 0)));
        CHECK_FALSE(stats.valid);
        CHECK(stats.bitrate_in_kbps == 0);
        CHECK(tracker.bitrate_in_history().empty());
    }
    SECTION("a sub-millisecond interval gives no rates rather than huge ones") {
        CHECK_FALSE(tracker.update(parse_ok(report(1000.001, 600000, 600000, 1100, 0))).valid);
    }
    SECTION("a clock that jumps back rebases, then rates resume") {
        CHECK_FALSE(tracker.update(parse_ok(report(500, 600000, 600000, 1100, 0))).valid);
        const CallStats stats = tracker.update(parse_ok(report(1500, 725000, 600000, 1200, 0)));
        REQUIRE(stats.valid);
        CHECK(stats.bitrate_in_kbps == Approx(1000));
    }
    SECTION("packetsLost shrinking (late packets) is clamped to no loss") {
        tracker.update(parse_ok(report(2000, 510000, 510000, 1010, 5)));
        const CallStats stats = tracker.update(parse_ok(report(3000, 520000, 520000, 1020, 2)));
        REQUIRE(stats.packet_loss_pct);
        CHECK(*stats.packet_loss_pct == 0);
    }
}

TEST_CASE("stats: the sparkline history keeps the last 60 values", "[stats]") {
    StatsTracker tracker;
    for (int second = 0; second <= 100; ++second) {
        tracker.update(parse_ok(report(1000.0 * second, 125.0 * second * second, 0)));
    }
    const auto& in = tracker.bitrate_in_history();
    REQUIRE(in.size() == stats_limits::kHistoryLength);
    CHECK(tracker.bitrate_out_history().size() == stats_limits::kHistoryLength);
    // Interval n carried 125 * (2n - 1) bytes = 2n - 1 kb/s; the newest is n = 100.
    CHECK(in.back() == Approx(199));
    CHECK(in.front() == Approx(2 * 41 - 1));
}

TEST_CASE("stats: the path and RTT come from the selected pair, with fallbacks", "[stats]") {
    SECTION("no transport entry: the nominated, succeeded pair; relay on either side wins") {
        const StatsSample s = parse_ok(R"([
          {"id":"A","type":"candidate-pair","nominated":false,"state":"succeeded","localCandidateId":"L1","remoteCandidateId":"R1"},
          {"id":"B","type":"candidate-pair","nominated":true,"state":"succeeded","localCandidateId":"L2","remoteCandidateId":"R2"},
          {"id":"L1","type":"local-candidate","candidateType":"host"},
          {"id":"R1","type":"remote-candidate","candidateType":"host"},
          {"id":"L2","type":"local-candidate","candidateType":"srflx"},
          {"id":"R2","type":"remote-candidate","candidateType":"relay"},
          {"id":"RI","type":"remote-inbound-rtp","kind":"audio","timestamp":5,"roundTripTime":0.020},
          {"id":"RJ","type":"remote-inbound-rtp","kind":"video","timestamp":9,"roundTripTime":0.030}])");
        CHECK(s.path == "relay");
        REQUIRE(s.rtt_ms);  // the pair has no currentRoundTripTime: the newest RTCP measure
        CHECK(*s.rtt_ms == Approx(30));
    }
    SECTION("older browsers flag the pair `selected`") {
        const StatsSample s = parse_ok(R"([
          {"id":"A","type":"candidate-pair","selected":true,"localCandidateId":"L","remoteCandidateId":"R"},
          {"id":"L","type":"local-candidate","candidateType":"prflx"},
          {"id":"R","type":"remote-candidate","candidateType":"host"}])");
        CHECK(s.path == "prflx");
    }
    SECTION("a transport naming a pair that is not in the report: unknown, not a crash") {
        const StatsSample s = parse_ok(R"([{"id":"T","type":"transport","selectedCandidatePairId":"gone"},
          {"id":"L","type":"candidate-pair","selectedCandidatePairId":"T"}])");
        CHECK(s.path.empty());
        CHECK_FALSE(s.rtt_ms);
    }
}

TEST_CASE("stats: codecs and kinds across browser versions", "[stats]") {
    // `mediaType` instead of `kind`; only outbound audio; a codecId that points at a non-codec.
    const StatsSample s = parse_ok(R"([
      {"id":"OA","type":"outbound-rtp","mediaType":"audio","timestamp":1,"bytesSent":10,"codecId":"C1"},
      {"id":"C1","type":"codec","mimeType":"audio/opus"},
      {"id":"IV","type":"inbound-rtp","kind":"video","timestamp":1,"bytesReceived":10,"codecId":"OA"}])");
    CHECK(s.audio_codec == "opus");
    CHECK(s.video_codec.empty());
    CHECK(s.timestamp_ms == 1);
}

TEST_CASE("stats: mistyped or absurd fields are ignored, not trusted", "[stats]") {
    const StatsSample s = parse_ok(R"([
      {"id":"IV","type":"inbound-rtp","kind":"video","timestamp":"soon","bytesReceived":"lots",
       "packetsReceived":-5,"frameWidth":1e300,"frameHeight":480,"framesPerSecond":null,"jitter":[1]},
      {"id":"IA","type":"inbound-rtp","kind":"audio","timestamp":7,"bytesReceived":-1,"jitter":-1},
      {"id":"X","type":"inbound-rtp","kind":"data","bytesReceived":5}])");
    REQUIRE(s.rtp.size() == 2);  // kind "data" is no media stream
    CHECK(s.rtp[0].bytes == 0);
    CHECK(s.rtp[0].packets_received == 0);
    CHECK(s.frame_width == 0);
    CHECK_FALSE(s.frames_per_second);
    CHECK_FALSE(s.audio_jitter_ms);
    CHECK(s.timestamp_ms == 7);
    CHECK(s.rtp[1].bytes == 0);
    // Counters past JavaScript's exact integers (2^53) are not counts: absent.
    const StatsSample big = parse_ok(R"([{"id":"O","type":"outbound-rtp","kind":"audio","bytesSent":1e300}])");
    CHECK(big.rtp[0].bytes == 0);
}

TEST_CASE("stats: bad input is a typed error, never a throw", "[stats]") {
    CHECK(parse_error_code("") == stats_error::kBadJson);
    CHECK(parse_error_code("[{\"id\":") == stats_error::kBadJson);
    CHECK(parse_error_code("not json") == stats_error::kBadJson);
    CHECK(parse_error_code(R"([{"id":"a","type":"inbound-rtp","bytesReceived":1e400}])") ==
          stats_error::kBadJson);  // nlohmann refuses a number that overflows a double
    CHECK(parse_error_code(std::string(100000, '[')) == stats_error::kBadJson);
    CHECK(parse_error_code(R"({"id":"T","type":"transport"})") == stats_error::kBadShape);
    CHECK(parse_error_code("[1,2,3]") == stats_error::kBadShape);
    CHECK(parse_error_code(R"([{"type":"codec"}])") == stats_error::kBadShape);
    CHECK(parse_error_code(R"([{"id":7,"type":"codec"}])") == stats_error::kBadShape);
    CHECK(parse_error_code(R"([{"id":"x","type":null}])") == stats_error::kBadShape);

    std::string huge = "[\"" + std::string(stats_limits::kMaxReportBytes, 'x') + "\"]";
    CHECK(parse_error_code(huge) == stats_error::kTooLarge);

    std::string many = "[";
    for (std::size_t i = 0; i <= stats_limits::kMaxEntries; ++i) {
        many += (i ? ",{\"id\":\"" : "{\"id\":\"") + std::to_string(i) + "\",\"type\":\"codec\"}";
    }
    many += "]";
    CHECK(parse_error_code(many) == stats_error::kTooLarge);

    const StatsSample empty = parse_ok("[]");
    CHECK(empty.rtp.empty());
    CHECK(empty.path.empty());
}

TEST_CASE("stats: the line leaves out what is unknown", "[stats]") {
    CHECK(format_stats_line(CallStats{}).empty());
    CallStats stats;
    stats.valid = true;
    stats.bitrate_in_kbps = 40;
    stats.bitrate_out_kbps = 1049.9;
    stats.rtt_ms = 0.4;
    stats.jitter_ms = 12.2;
    stats.frame_width = 1280;
    stats.frame_height = 720;
    stats.audio_codec = "opus";
    CHECK(format_stats_line(stats) == "↓ 40 kb/s ↑ 1.0 Mb/s · RTT <1 ms · jitter 12 ms · 1280×720 · opus");
}
