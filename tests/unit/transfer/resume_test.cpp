// Resuming a framing-v2 transfer on the next link (docs/transfer.md "Resume"): from the last
// verified block, the whole file still verified; refused resumes fail only their transfer;
// the grace period and a cancel while reconnecting clean up on both sides.
#include <catch2/catch.hpp>

#include <memory>

#include "link_pair.hpp"
#include "transfer/blocks.hpp"
#include "transfer/checksum.hpp"
#include "transfer/frame.hpp"

using namespace peerline::transfer;
using namespace peerline::transfer::test;

namespace {

void accept(LinkPair& link, FakeSide& side, const std::string& id) {
    link.act(side, [&](Transfers& t, Transfers::Out& out) { t.accept(id, out); });
}

const FakeSink& sink_named(FakeSide& side, const std::string& name) {
    for (const auto& [key, sink] : side.sinks) {
        if (sink.name == name) return sink;
    }
    throw std::runtime_error("no sink " + name);
}

// Every frame a sends after `bytes` of chunk payload is lost (the link is dying).
void cut_after(LinkPair& link, std::uint64_t bytes) {
    auto passed = std::make_shared<std::uint64_t>(0);
    link.a.tamper = [passed, bytes](std::string& frame) {
        if (*passed > bytes) return false;
        auto parsed = parse_frame(frame);
        if (const auto* chunk = std::get_if<ChunkFrame>(&parsed.value())) *passed += chunk->bytes.size();
        return *passed <= bytes;
    };
}

// b receives 8 MiB from a, whose channel never drains: a sends ~4 MiB (kHighWaterBytes) and
// stops; b has verified what came. Then the link drops.
void stalled_then_dropped(LinkPair& link, const std::string& data) {
    link.open();
    link.a.channel_drains = false;
    link.offer(link.a, {{"f", data}});
    accept(link, link.b, "in-t1");
    link.drop();
}

}  // namespace

TEST_CASE("a transfer cut at 40 percent resumes from the last verified block and arrives whole") {
    LinkPair link;
    link.open();
    const std::string first = random_bytes(300'000, 51);
    const std::string big = random_bytes(5 * kMiB + 12345, 52);
    const std::string last = random_bytes(1000, 53);
    cut_after(link, 300'000 + 2 * kMiB + 500'000);  // inside big's third block
    const int pick = link.offer(link.a, {{"first", first}, {"big", big}, {"last", last}});
    accept(link, link.b, "in-t1");
    link.drop();

    const TransferView waiting = link.view_of(link.b, "in-t1");
    CHECK(waiting.state == State::reconnecting);
    CHECK(link.view_of(link.a, "t1").state == State::reconnecting);
    CHECK(waiting.files[0].state == State::done);            // stored before the drop
    CHECK(waiting.files[1].done == 2 * kBlockBytes);          // back to the last verified block
    CHECK(waiting.resent > 0);
    CHECK(waiting.resent < kBlockBytes);
    CHECK(link.a.grace_timer >= 0);
    CHECK(link.b.grace_timer >= 0);
    CHECK_FALSE(sink_named(link.b, "big").closed);           // kept for the resume

    link.a.tamper = nullptr;
    link.reconnect();
    const TransferView received = link.view_of(link.b, "in-t1");
    const TransferView sent = link.view_of(link.a, "t1");
    CHECK(received.state == State::done);
    CHECK(sent.state == State::done);
    CHECK(sink_named(link.b, "first").bytes == first);
    CHECK(sink_named(link.b, "big").bytes == big);
    CHECK(sink_named(link.b, "last").bytes == last);
    CHECK(link.b.rewinds == 1);
    CHECK(received.resent == waiting.resent);  // what arrived twice: less than one block
    CHECK(sent.resent >= received.resent);     // the sender also re-sends what its buffer lost
    CHECK(link.a.grace_timer == -1);
    CHECK(link.b.grace_timer == -1);
    CHECK(link.a.released.count(pick) == 1);
}

TEST_CASE("a transfer dropped after all its bytes but before the end frame resumes with just the end") {
    LinkPair link;
    link.open();
    const std::string data = random_bytes(2 * kMiB, 54);
    link.a.tamper = [](std::string& frame) { return frame[0] != static_cast<char>(FrameKind::file_end); };
    link.offer(link.a, {{"f", data}});
    accept(link, link.b, "in-t1");
    link.drop();
    CHECK(link.view_of(link.b, "in-t1").files[0].done == data.size());
    link.a.tamper = nullptr;
    link.reconnect();
    CHECK(link.view_of(link.b, "in-t1").state == State::done);
    CHECK(link.view_of(link.b, "in-t1").resent == 0);
    CHECK(link.b.sinks.begin()->second.bytes == data);
}

TEST_CASE("a resume whose proof disagrees with the sent blocks fails that file: never verified, or the file changed") {
    LinkPair link;
    const std::string data = random_bytes(8 * kMiB, 55);
    stalled_then_dropped(link, data);
    link.b.tamper_control = [](nlohmann::json& m) {
        if (m["type"] == "transfer-resume") m["proof"] = std::string(32, '0');
        return true;
    };
    link.reconnect();
    const TransferView sent = link.view_of(link.a, "t1");
    CHECK(sent.state == State::failed);
    CHECK(sent.reason.rfind(block_error::kResumeChanged, 0) == 0);
    CHECK(link.view_of(link.b, "in-t1").state == State::failed);
    CHECK(link.view_of(link.b, "in-t1").reason.find(block_error::kResumeChanged) != std::string::npos);
    CHECK(link.b.sinks.begin()->second.deleted);
}

TEST_CASE("a receiver claiming more blocks than were ever sent is refused as unproven") {
    LinkPair link;
    stalled_then_dropped(link, random_bytes(8 * kMiB, 56));
    link.b.tamper_control = [](nlohmann::json& m) {
        if (m["type"] == "transfer-resume") m["blocks"] = 7;  // a sent about 4
        return true;
    };
    link.reconnect();
    CHECK(link.view_of(link.a, "t1").reason.rfind(block_error::kResumeUnproven, 0) == 0);
    CHECK(link.view_of(link.b, "in-t1").state == State::failed);
}

TEST_CASE("a resume for blocks beyond the file is refused") {
    LinkPair link;
    stalled_then_dropped(link, random_bytes(8 * kMiB, 57));
    link.b.tamper_control = [](nlohmann::json& m) {
        if (m["type"] == "transfer-resume") m["blocks"] = 100;
        return true;
    };
    link.reconnect();
    CHECK(link.view_of(link.a, "t1").reason.rfind(block_error::kResumeBeyondFile, 0) == 0);
    CHECK(link.view_of(link.b, "in-t1").state == State::failed);
}

TEST_CASE("a resume for a transfer the sender never had is answered with a failure and refused") {
    LinkPair link;
    stalled_then_dropped(link, random_bytes(8 * kMiB, 58));
    link.b.tamper_control = [](nlohmann::json& m) {
        if (m["type"] == "transfer-resume") m["transfer"] = "t9";
        return true;
    };
    link.reconnect();
    CHECK(link.a.transfers.refusals().back().code == "resume-unknown-transfer");
    bool answered = false;
    for (const auto& m : link.a.control_sent) answered |= m["type"] == "transfer-failed" && m["transfer"] == "t9";
    CHECK(answered);
    CHECK(link.view_of(link.a, "t1").state == State::reconnecting);  // its own resume never came
}

TEST_CASE("a refused resume fails only its transfer: the next one goes on") {
    LinkPair link;
    link.open();
    link.a.channel_drains = false;
    const std::string second = random_bytes(3 * kMiB, 60);
    link.offer(link.a, {{"first", random_bytes(8 * kMiB, 59)}});
    link.offer(link.a, {{"second", second}});
    accept(link, link.b, "in-t1");
    accept(link, link.b, "in-t2");
    link.drop();
    CHECK(link.view_of(link.a, "t2").state == State::reconnecting);  // accepted, not yet begun
    link.b.tamper_control = [](nlohmann::json& m) {
        if (m["type"] == "transfer-resume" && m["transfer"] == "t1") m["proof"] = std::string(32, 'f');
        return true;
    };
    link.a.channel_drains = true;
    link.reconnect();
    CHECK(link.view_of(link.a, "t1").state == State::failed);
    CHECK(link.view_of(link.b, "in-t1").state == State::failed);
    CHECK(link.view_of(link.b, "in-t2").state == State::done);
    CHECK(sink_named(link.b, "second").bytes == second);
}

TEST_CASE("past the grace period both sides fail with the reason and the partial file is deleted") {
    LinkPair link;
    const int pick = 1;
    stalled_then_dropped(link, random_bytes(8 * kMiB, 61));
    link.fire_grace(link.a);
    link.fire_grace(link.b);
    const std::string why = "connection lost: not back within 60 s";
    CHECK(link.view_of(link.a, "t1").state == State::failed);
    CHECK(link.view_of(link.a, "t1").reason == why);
    CHECK(link.view_of(link.b, "in-t1").reason == why);
    CHECK(link.b.sinks.begin()->second.deleted);
    CHECK(link.a.released.count(pick) == 1);
    CHECK_FALSE(link.a.transfers.resumable());
    CHECK_FALSE(link.b.transfers.resumable());
}

TEST_CASE("the receiver cancels while reconnecting: its partial file goes now, the sender hears on the next link") {
    LinkPair link;
    stalled_then_dropped(link, random_bytes(8 * kMiB, 62));
    link.act(link.b, [](Transfers& t, Transfers::Out& out) { t.cancel("in-t1", out); });
    CHECK(link.view_of(link.b, "in-t1").state == State::cancelled);
    CHECK(link.b.sinks.begin()->second.deleted);
    CHECK(link.b.transfers.resumable());  // the cancel still has to be said
    CHECK(link.view_of(link.a, "t1").state == State::reconnecting);
    link.reconnect();
    CHECK(link.view_of(link.a, "t1").state == State::cancelled);
    CHECK(link.view_of(link.a, "t1").reason == "cancelled by the receiver");
    CHECK(link.a.released.count(1) == 1);
    CHECK(link.a.grace_timer == -1);
    CHECK(link.b.grace_timer == -1);
}

TEST_CASE("the sender cancels while reconnecting: the receiver deletes its partial file on the next link") {
    LinkPair link;
    stalled_then_dropped(link, random_bytes(8 * kMiB, 63));
    link.act(link.a, [](Transfers& t, Transfers::Out& out) { t.cancel("t1", out); });
    CHECK(link.view_of(link.a, "t1").state == State::cancelled);
    CHECK(link.a.released.count(1) == 1);
    CHECK_FALSE(link.b.sinks.begin()->second.deleted);
    link.reconnect();
    CHECK(link.view_of(link.b, "in-t1").state == State::cancelled);
    CHECK(link.b.sinks.begin()->second.deleted);
}

TEST_CASE("a new offer from a sender that started over replaces the transfer waiting under its number") {
    LinkPair link;
    stalled_then_dropped(link, random_bytes(8 * kMiB, 64));
    // a's page was reloaded: a fresh Transfers numbers from t1 again.
    link.a.transfers = Transfers(LinkIds{"peer-b", 2, 0, 1, 7, 8});
    link.reconnect();
    link.offer(link.a, {{"new", "fresh bytes"}});
    CHECK(link.view_of(link.b, "in-t1").state == State::offered);
    CHECK(link.view_of(link.b, "in-t1").files[0].name == "new");
    CHECK(link.b.sinks.begin()->second.deleted);
}

TEST_CASE("what was said before a link opened is not carried to the next one when nothing waits to resume") {
    LinkPair link;  // never opened: the offer waits in the unsent messages
    link.offer(link.a, {{"f", "bytes"}});
    link.drop("could not reach the peer");
    CHECK(link.view_of(link.a, "t1").state == State::failed);
    CHECK_FALSE(link.a.transfers.resumable());  // so the App makes no new link for it
    CHECK(link.a.grace_timer == -1);
}

TEST_CASE("an offer made while a transfer waits to resume ends with the lost link and is not sent later") {
    LinkPair link;
    stalled_then_dropped(link, random_bytes(8 * kMiB, 65));
    link.offer(link.a, {{"late", "bytes"}});  // the link is down: the offer waits unsent
    link.act(link.a, [](Transfers& t, Transfers::Out& out) { t.on_link_lost("still down", out); });
    CHECK(link.view_of(link.a, "t2").state == State::failed);
    link.a.channel_drains = true;
    link.reconnect();
    for (const auto& v : link.b.transfers.view()) CHECK(v.id != "in-t2");
    CHECK(link.view_of(link.b, "in-t1").state == State::done);
}

TEST_CASE("a peer whose page closed will not resume: what waits fails at once, the grace period stopped") {
    LinkPair link;
    const int pick = 1;
    stalled_then_dropped(link, random_bytes(8 * kMiB, 62));
    REQUIRE(link.b.grace_timer >= 0);
    REQUIRE(link.a.grace_timer >= 0);
    // b hears that a's page went away: no new link with that id can come.
    link.act(link.b, [](Transfers& t, Transfers::Out& out) { t.give_up_resumes("Ada closed the page", out); });
    CHECK(link.view_of(link.b, "in-t1").state == State::failed);
    CHECK(link.view_of(link.b, "in-t1").reason == "Ada closed the page");
    CHECK(link.b.sinks.begin()->second.deleted);  // the kept partial file goes now
    CHECK(link.b.grace_timer < 0);                // cancelled, not left to fire
    CHECK_FALSE(link.b.transfers.resumable());
    // And the other way round: the sender hears the receiver's page closed.
    link.act(link.a, [](Transfers& t, Transfers::Out& out) { t.give_up_resumes("Bob closed the page", out); });
    CHECK(link.view_of(link.a, "t1").reason == "Bob closed the page");
    CHECK(link.a.released.count(pick) == 1);
    CHECK(link.a.grace_timer < 0);
    // Said twice (or with nothing waiting), it changes nothing.
    link.act(link.a, [](Transfers& t, Transfers::Out& out) { t.give_up_resumes("again", out); });
    CHECK(link.view_of(link.a, "t1").reason == "Bob closed the page");
}
