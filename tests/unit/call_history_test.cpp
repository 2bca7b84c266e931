// The call history (issue 19): which call becomes which entry, the bounded list, the stored JSON
// read back with validation (corrupt storage must not break the page), and "Call back" matched
// by name and device (peer ids change every visit).
#include <catch2/catch.hpp>

#include <iterator>
#include <sstream>

#include "call_helpers.hpp"
#include "call_history.hpp"

using namespace peerline;
using namespace peerline::testing;
namespace history = peerline::call_history;

namespace {

constexpr double kAt = 1'765'000'000'000;  // a time in December 2025, ms since 1970

// The JSON the client last asked the shell to store; "" if none.
std::string stored(const FakeWorld& w, int client) {
    auto saves = w.actions<SaveCallHistory>(client);
    return saves.empty() ? std::string() : saves.back().json;
}

history::Entry entry(const std::string& name, double at, history::Outcome outcome = history::Outcome::missed) {
    return history::Entry{history::Direction::incoming, outcome, true, name, "desktop", at, 0};
}

std::string stats_at(double timestamp_ms) {
    std::ostringstream r;
    r.precision(17);
    r << R"([{"id":"T","type":"transport","timestamp":)" << timestamp_ms << "}]";
    return r.str();
}

}  // namespace

TEST_CASE("history: an answered call is recorded on both sides with its length", "[history]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    w.send(ada, CallIntent{w.id(bob), true, kAt});
    w.send(bob, AcceptIntent{true});
    REQUIRE(phase(w, ada) == CallPhase::connected);
    const int pc = w.view(ada).call.remote_pc;
    // The call's clock is the stats reports' (as the call timer): 3 reports, 2 s apart + 1 s.
    w.send(ada, StatsReport{pc, stats_at(10'000)});
    w.send(ada, StatsReport{pc, stats_at(12'000)});
    CHECK(w.view(ada).recent.empty());  // nothing until the call ends
    w.send(ada, HangUpIntent{});

    REQUIRE(w.view(ada).recent.size() == 1);
    const RecentCall& mine = w.view(ada).recent[0];
    CHECK(mine.peer_name == "Bob");
    CHECK_FALSE(mine.incoming);
    CHECK_FALSE(mine.missed);
    CHECK(mine.summary == "Outgoing · video · 0:03");
    CHECK(mine.at_ms == kAt);
    REQUIRE(w.view(bob).recent.size() == 1);
    CHECK(w.view(bob).recent[0].incoming);
    CHECK(w.view(bob).recent[0].peer_name == "Ada");
    CHECK(w.view(bob).recent[0].summary.rfind("Incoming · video · ", 0) == 0);
    // Stored once per call, as the JSON the page reads back next time.
    CHECK(w.count<SaveCallHistory>(ada) == 1);
    auto back = history::parse(stored(w, ada));
    REQUIRE(back);
    REQUIRE(back.value().entries.size() == 1);
    CHECK(back.value().entries[0].duration_s == Approx(3.0));
    CHECK(back.value().entries[0].outcome == history::Outcome::answered);
}

TEST_CASE("history: a call not taken is missed for the callee, no answer for the caller, and counted", "[history]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    call(w, ada, bob, false);
    REQUIRE(w.fire_timer(ada, call_timing::kRingMs));
    REQUIRE(w.view(bob).recent.size() == 1);
    CHECK(w.view(bob).recent[0].missed);
    CHECK(w.view(bob).recent[0].summary == "Missed · audio");
    CHECK(w.view(bob).recent_missed == 1);
    CHECK(w.view(ada).recent[0].summary == "No answer · audio");
    CHECK(w.view(ada).recent_missed == 0);  // only calls that rang here count

    // A caller who gives up while it rings leaves a missed call too.
    call(w, ada, bob);
    w.send(ada, HangUpIntent{});
    CHECK(w.view(bob).recent[0].missed);
    CHECK(w.view(bob).recent_missed == 2);
    CHECK(w.view(ada).recent[0].summary == "Cancelled · video");
}

TEST_CASE("history: a declined call says so on both sides and is not counted as missed", "[history]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    call(w, ada, bob);
    w.send(bob, DeclineIntent{});
    CHECK(w.view(bob).recent[0].summary == "Declined · video");
    CHECK_FALSE(w.view(bob).recent[0].missed);
    CHECK(w.view(bob).recent_missed == 0);
    CHECK(w.view(ada).recent[0].summary == "Declined · video");
}

TEST_CASE("history: a call that rang while we were busy is a missed call for us", "[history]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    int cy = w.join("Cy");
    connect(w, ada, bob);
    call(w, cy, ada);
    CHECK(reason(w, cy) == EndReason::busy);
    REQUIRE(w.view(ada).recent.size() == 1);
    CHECK(w.view(ada).recent[0].peer_name == "Cy");
    CHECK(w.view(ada).recent[0].missed);
    CHECK(w.view(cy).recent[0].summary == "Busy · video");
    // The call in progress is recorded when it ends, after the missed one.
    w.send(ada, HangUpIntent{});
    REQUIRE(w.view(ada).recent.size() == 2);
    CHECK(w.view(ada).recent[0].peer_name == "Bob");
}

TEST_CASE("history: the list keeps the newest 50", "[history]") {
    history::History h;
    for (int i = 0; i < 60; ++i) h.add(entry("Ada", kAt + i));
    REQUIRE(h.entries().size() == history::kMaxEntries);
    CHECK(h.entries().front().at_ms == kAt + 59);
    CHECK(h.entries().back().at_ms == kAt + 10);
    CHECK(h.missed() == 50);
}

TEST_CASE("history: stored JSON round-trips and comes back newest first", "[history]") {
    std::vector<history::Entry> entries{entry("Ada", kAt + 5, history::Outcome::answered), entry("Bob", kAt)};
    entries[0].duration_s = 61.5;
    entries[1].video = false;
    entries[1].direction = history::Direction::outgoing;
    entries[1].outcome = history::Outcome::no_answer;
    auto back = history::parse(history::serialize(entries));
    REQUIRE(back);
    CHECK(back.value().entries == entries);
    CHECK(back.value().dropped == 0);
    // Another writer's order is not trusted: sorted by time.
    std::vector<history::Entry> reversed{entries[1], entries[0]};
    CHECK(history::parse(history::serialize(reversed)).value().entries == entries);
}

TEST_CASE("history: corrupt storage is refused whole or entry by entry, never thrown", "[history]") {
    // Unusable as a whole: an error, and the page starts with an empty list.
    for (const char* bad : {"", "not json", "[]", "{}", R"({"v":2,"calls":[]})", R"({"v":1,"calls":{}})",
                            R"({"v":"1","calls":[]})", "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]"}) {
        INFO(bad);
        CHECK_FALSE(history::parse(bad));
    }
    CHECK_FALSE(history::parse(std::string(history::kMaxStoredBytes + 1, ' ')));
    // Entries that do not check out are dropped one by one; the good one stays.
    const std::string good = R"({"dir":"in","outcome":"missed","video":true,"name":"Ada","device":"desktop","at":1,"duration":0})";
    const char* bad_entries[] = {
        R"(1)", R"({})",
        R"({"dir":"up","outcome":"missed","video":true,"name":"Ada","device":"desktop","at":1,"duration":0})",
        R"({"dir":"in","outcome":"lost","video":true,"name":"Ada","device":"desktop","at":1,"duration":0})",
        R"({"dir":"in","outcome":"missed","video":"yes","name":"Ada","device":"desktop","at":1,"duration":0})",
        R"({"dir":"in","outcome":"missed","video":true,"name":"","device":"desktop","at":1,"duration":0})",
        R"({"dir":"in","outcome":"missed","video":true,"name":" Ada ","device":"desktop","at":1,"duration":0})",
        R"({"dir":"in","outcome":"missed","video":true,"name":"Ada","device":"desktop","at":-1,"duration":0})",
        R"({"dir":"in","outcome":"missed","video":true,"name":"Ada","device":"desktop","at":1,"duration":1e300})",
        R"({"dir":"in","outcome":"missed","video":true,"name":"Ada","device":"desktop","at":"1","duration":0})",
    };
    std::string doc = R"({"v":1,"calls":[)" + good;
    for (const char* b : bad_entries) doc += std::string(",") + b;
    doc += "]}";
    auto parsed = history::parse(doc);
    REQUIRE(parsed);
    CHECK(parsed.value().entries.size() == 1);
    CHECK(parsed.value().dropped == std::size(bad_entries));
    // An unknown device reads as "unknown", as the server would have said it.
    auto odd = history::parse(R"({"v":1,"calls":[{"dir":"out","outcome":"busy","video":false,"name":"Ada","device":"toaster","at":1,"duration":9}]})");
    REQUIRE(odd);
    CHECK(odd.value().entries.at(0).peer_device == "unknown");
    CHECK(odd.value().entries.at(0).duration_s == 0);  // only an answered call has a length
}

TEST_CASE("history: what storage held is listed, and corrupt storage leaves the page working", "[history]") {
    FakeWorld w;
    int ada = w.join("Ada");
    CHECK(w.count<LoadCallHistory>(ada) == 1);  // asked for at start
    w.send(ada, CallHistoryLoaded{true, history::serialize({entry("Bob", kAt)})});
    REQUIRE(w.view(ada).recent.size() == 1);
    CHECK(w.view(ada).recent_missed == 1);
    w.send(ada, CallHistoryLoaded{true, "{\"v\":1,\"calls\":[tru"});
    CHECK(w.view(ada).recent.empty());
    CHECK(w.view(ada).notice.empty());  // nothing to alarm anyone about
    // Still a working page: a call is placed and recorded as usual.
    int bob = w.join("Bob");
    connect(w, ada, bob);
    w.send(ada, HangUpIntent{});
    CHECK(w.view(ada).recent.size() == 1);
    w.send(ada, CallHistoryLoaded{false, ""});  // no storage at all: what we have stays
    CHECK(w.view(ada).recent.size() == 1);
}

TEST_CASE("history: call back finds the peer by name and device, in a later visit with a new id", "[history]") {
    FakeWorld w;
    int ada = w.join("Ada");
    // Bob called in an earlier visit (another id, long gone).
    w.send(ada, CallHistoryLoaded{true, history::serialize({entry("Bob", kAt)})});
    CHECK_FALSE(w.view(ada).recent[0].can_call_back);
    CHECK(w.view(ada).recent[0].call_back_reason == "Bob is not online");
    w.send(ada, CallBackIntent{0, kAt + 1});
    CHECK(w.view(ada).notice == "Bob is not online");
    CHECK(w.count<RequestMedia>(ada) == 0);

    int bob = w.join("Bob");
    REQUIRE(w.view(ada).recent[0].can_call_back);
    CHECK(w.view(ada).recent[0].call_back_reason.empty());
    w.send(ada, CallBackIntent{0, kAt + 1});
    CHECK(phase(w, ada) == CallPhase::ringing_out);
    CHECK(w.view(ada).call.peer_id == w.id(bob));
    CHECK(w.view(ada).call.video);  // as the call it answers
    // While a call runs, calling back waits.
    w.send(bob, AcceptIntent{true});
    CHECK_FALSE(w.view(ada).recent[0].can_call_back);
    CHECK(w.view(ada).recent[0].call_back_reason == "You are in a call");
    // An entry index past the list is ignored.
    w.send(ada, CallBackIntent{99, kAt});
    CHECK(phase(w, ada) == CallPhase::connected);
}

TEST_CASE("history: another device with the same name is not the one called back", "[history]") {
    FakeWorld w;
    int ada = w.join("Ada");
    w.join("Bob");  // the fake world's peers are desktops
    auto phone = entry("Bob", kAt);
    phone.peer_device = "mobile";
    w.send(ada, CallHistoryLoaded{true, history::serialize({phone})});
    CHECK_FALSE(w.view(ada).recent[0].can_call_back);
    CHECK(w.view(ada).recent[0].call_back_reason == "Bob is not online");
}
