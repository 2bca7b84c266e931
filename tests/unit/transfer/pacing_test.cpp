// Backpressure (the sender's outstanding bytes stay under the high-water mark) and progress
// (done/rate/ETA move on timer ticks only, with sane values).
#include <catch2/catch.hpp>

#include "link_pair.hpp"

using namespace peerline::transfer;
using namespace peerline::transfer::test;

TEST_CASE("the sender never has more than kHighWaterBytes outstanding and resumes when the channel drains") {
    LinkPair link;
    // Framing v1: frames counted below are chunks only (v2 adds a block checksum per MiB).
    link.a.transfers.speak_v1_only();
    link.b.transfers.speak_v1_only();
    link.open();
    const std::string data = random_bytes(8 * 1024 * 1024, 21);
    link.a.channel_drains = false;  // the network is slower than the disk
    link.offer(link.a, {{"f", data}});
    link.act(link.b, [](Transfers& t, Transfers::Out& out) { t.accept("in-t1", out); });

    // The sender filled the channel's queue up to the mark and stopped reading.
    CHECK(link.a.max_outstanding <= kHighWaterBytes);
    CHECK(link.a.channel_queue <= kHighWaterBytes);
    CHECK(link.a.channel_queue > kHighWaterBytes - 2 * kMaxChunkBytes);  // the window is used
    CHECK(link.view_of(link.b, "in-t1").state == State::running);
    const std::size_t stalled_reads = link.a.reads_asked;
    const std::size_t stalled_frames = link.a.frames_sent;

    // A little drains, not down to the low-water mark: at most that much is refilled.
    link.drain(link.a, 100 * 1024);
    CHECK(link.a.frames_sent - stalled_frames <= 2);
    CHECK(link.a.channel_queue <= kHighWaterBytes);

    // bufferedamountlow, again and again: the sender goes on to the end, never over the mark.
    for (int i = 0; i < 100 && link.view_of(link.b, "in-t1").state == State::running; ++i) {
        link.drain(link.a, kHighWaterBytes - kLowWaterBytes);
    }
    CHECK(link.a.reads_asked > stalled_reads);
    CHECK(link.view_of(link.b, "in-t1").state == State::done);
    CHECK(link.view_of(link.a, "t1").state == State::done);
    CHECK(link.a.max_outstanding <= kHighWaterBytes);
    CHECK(link.b.sinks.begin()->second.bytes == data);
}

TEST_CASE("at least two reads are kept in flight while the window allows") {
    LinkPair link;
    link.open();
    link.a.hold_reads = true;
    link.offer(link.a, {{"f", random_bytes(1024 * 1024, 22)}});
    link.act(link.b, [](Transfers& t, Transfers::Out& out) { t.accept("in-t1", out); });
    CHECK(link.a.held_reads.size() == static_cast<std::size_t>(kMaxReadsInFlight));
    CHECK(link.a.held_reads.size() >= 2);
}

TEST_CASE("the view changes on ticks and state changes but not on every chunk") {
    LinkPair link;
    link.open();
    link.a.hold_reads = true;
    const std::uint64_t size = 40 * 65515;  // 40 chunks
    link.offer(link.a, {{"f", random_bytes(size, 23)}});
    link.act(link.b, [](Transfers& t, Transfers::Out& out) { t.accept("in-t1", out); });
    REQUIRE(link.a.timer_running);

    link.answer_held_reads(link.a);  // 4 chunks arrive
    REQUIRE(link.b.timer_running);
    const auto sender_before = link.a.transfers.view();
    const auto receiver_before = link.b.transfers.view();
    const std::uint64_t revision_before = link.b.transfers.revision();
    CHECK(link.view_of(link.b, "in-t1").state == State::running);
    link.answer_held_reads(link.a);  // 4 more
    link.answer_held_reads(link.a);
    CHECK(link.a.transfers.view() == sender_before);    // no re-render per chunk
    CHECK(link.b.transfers.view() == receiver_before);
    CHECK(link.b.transfers.revision() == revision_before);  // the App may skip even comparing

    link.tick(link.b);
    CHECK(link.b.transfers.revision() != revision_before);
    const TransferView after_tick = link.view_of(link.b, "in-t1");
    CHECK(after_tick.done == 12 * 65515);
    // 12 chunks in the first 500 ms tick: 12 * 65515 * 2 bytes/s.
    CHECK(after_tick.bytes_per_second == Approx(12 * 65515 * 2.0));
    CHECK(after_tick.eta_seconds == 2);  // 28 chunks left at 24 chunks/s: 1.17 s → 2
    CHECK(after_tick.files[0].done == after_tick.done);
    CHECK(link.b.timer_running);  // rearmed

    // A stall: the rate decays (smoothed), the ETA grows.
    link.tick(link.b);
    const TransferView stalled = link.view_of(link.b, "in-t1");
    CHECK(stalled.bytes_per_second == Approx(after_tick.bytes_per_second * 0.7));
    CHECK(stalled.eta_seconds >= after_tick.eta_seconds);

    link.tick(link.a);
    const TransferView sender = link.view_of(link.a, "t1");
    CHECK(sender.done >= 12 * 65515);  // sent (the 4 read since may be on the wire too)
    CHECK(sender.bytes_per_second > 0);

    while (!link.a.held_reads.empty()) link.answer_held_reads(link.a);
    const TransferView done = link.view_of(link.b, "in-t1");
    CHECK(done.state == State::done);
    CHECK(done.done == size);          // a state change publishes at once
    CHECK(done.eta_seconds == -1);     // not running: no ETA
    CHECK_FALSE(link.a.timer_running);
    CHECK_FALSE(link.b.timer_running);
}

TEST_CASE("Progress: EWMA rate and ETA and stalls") {
    Progress p;
    CHECK(p.eta_seconds() == -1);
    p.tick(1000, 10000, 500);
    CHECK(p.bytes_per_second() == Approx(2000));
    CHECK(p.eta_seconds() == 5);  // 9000 / 2000 = 4.5 → 5
    p.tick(3000, 10000, 500);   // instant 4000
    CHECK(p.bytes_per_second() == Approx(0.3 * 4000 + 0.7 * 2000));
    p.tick(3000, 10000, 500);   // stall
    CHECK(p.bytes_per_second() == Approx(0.7 * 2600));
    for (int i = 0; i < 100; ++i) p.tick(3000, 10000, 500);
    CHECK(p.eta_seconds() == -1);  // stalled for long: unknown, not "years"
    p.tick(10000, 10000, 500);
    CHECK(p.eta_seconds() == 0);
}

TEST_CASE("a timer that is not ours is left to the DataLink") {
    Transfers t(LinkIds{"p", 1, 0, 1, 4});
    Transfers::Out out;
    CHECK_FALSE(t.on_timer(5, out));
    CHECK(t.on_timer(4, out));
}

TEST_CASE("a Transfers can be moved (records keep their revision counter)") {
    Transfers first(LinkIds{"p", 1, 0, 1, 4});
    Transfers::Out out;
    first.on_channels_open(out);
    first.offer(1, {peerline::FileMeta{"f", 3, ""}}, out);
    Transfers moved = std::move(first);
    const std::uint64_t before = moved.revision();
    out.clear();
    moved.cancel("t1", out);
    CHECK(moved.revision() != before);
    CHECK(moved.view().at(0).state == State::cancelled);
}
