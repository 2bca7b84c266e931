// Whole transfers between two Transfers objects wired back to back (link_pair.hpp).
#include <catch2/catch.hpp>

#include "link_pair.hpp"
#include "transfer/frame.hpp"

using namespace peerline::transfer;
using namespace peerline::transfer::test;
using peerline::Action;

namespace {
void accept(LinkPair& link, FakeSide& side, const std::string& id) {
    link.act(side, [&](Transfers& t, Transfers::Out& out) { t.accept(id, out); });
}
void cancel(LinkPair& link, FakeSide& side, const std::string& id) {
    link.act(side, [&](Transfers& t, Transfers::Out& out) { t.cancel(id, out); });
}
const FakeSink& sink_named(FakeSide& side, const std::string& name) {
    for (const auto& [key, sink] : side.sinks) {
        if (sink.name == name) return sink;
    }
    FAIL("no sink named " << name);
    throw;
}
}  // namespace

TEST_CASE("several files incl. a 0-byte and a multi-MiB one arrive byte-identical, both sides done") {
    LinkPair link;
    link.open();
    const std::string big = random_bytes(3 * 1024 * 1024 + 12345, 1);
    const std::string small = random_bytes(1000, 2);
    const int pick = link.offer(link.a, {{"big.bin", big}, {"empty.txt", ""}, {"small.dat", small}, {"one", "x"}});

    const TransferView offered = link.view_of(link.b, "in-t1");
    CHECK(offered.direction == Direction::incoming);
    CHECK(offered.state == State::offered);
    CHECK(offered.total == big.size() + small.size() + 1);
    REQUIRE(offered.files.size() == 4);
    CHECK(offered.files[1].name == "empty.txt");
    CHECK(link.view_of(link.a, "t1").state == State::offered);

    accept(link, link.b, "in-t1");

    const TransferView sent = link.view_of(link.a, "t1");
    const TransferView received = link.view_of(link.b, "in-t1");
    CHECK(sent.state == State::done);
    CHECK(received.state == State::done);
    CHECK(sent.done == sent.total);
    CHECK(received.done == received.total);
    for (const auto& f : received.files) {
        CHECK(f.state == State::done);
        CHECK(f.done == f.size);
        CHECK_FALSE(f.sink.empty());
    }
    for (const auto& f : sent.files) CHECK(f.state == State::done);

    REQUIRE(link.b.sinks.size() == 4);
    CHECK(sink_named(link.b, "big.bin").bytes == big);
    CHECK(sink_named(link.b, "small.dat").bytes == small);
    CHECK(sink_named(link.b, "empty.txt").bytes.empty());
    CHECK(sink_named(link.b, "one").bytes == "x");
    for (const auto& [key, sink] : link.b.sinks) {
        CHECK(sink.closed);
        CHECK(sink.kept);
        CHECK(key.rfind("peer-a/1/in-t1/", 0) == 0);  // <peer>/<pc>/<transfer>/<file>
    }
    CHECK(link.a.released.count(pick) == 1);
    CHECK_FALSE(link.a.timer_running);
    CHECK_FALSE(link.b.timer_running);
    CHECK_FALSE(link.a.transfers.busy());
    CHECK_FALSE(link.b.transfers.busy());
    CHECK(link.a.transfers.refusals().empty());
    CHECK(link.b.transfers.refusals().empty());
}

TEST_CASE("reads that complete out of order still arrive in order") {
    LinkPair link;
    link.open();
    link.a.reverse_reads = true;
    const std::string data = random_bytes(1024 * 1024 + 7, 3);
    link.offer(link.a, {{"f", data}, {"g", "tail"}});
    accept(link, link.b, "in-t1");
    CHECK(link.view_of(link.b, "in-t1").state == State::done);
    CHECK(sink_named(link.b, "f").bytes == data);
    CHECK(sink_named(link.b, "g").bytes == "tail");
}

TEST_CASE("chunks fill the message limit they are given, 64 KiB until told") {
    LinkPair link;
    link.open();
    CHECK(link.a.transfers.chunk_bytes() == 65536 - kChunkHeaderBytes);  // RFC 8841 §6.1
    std::size_t largest = 0;
    link.a.tamper = [&](std::string& frame) { largest = std::max(largest, frame.size()); return true; };
    const std::string data = random_bytes(200000, 4);

    link.a.transfers.set_message_limit(16384);
    CHECK(link.a.transfers.chunk_bytes() == 16384 - kChunkHeaderBytes);
    link.offer(link.a, {{"f", data}});
    accept(link, link.b, "in-t1");
    CHECK(largest == 16384);
    CHECK(sink_named(link.b, "f").bytes == data);

    link.a.transfers.set_message_limit(262144);  // what Chromium sends
    CHECK(link.a.transfers.chunk_bytes() == 262144 - kChunkHeaderBytes);  // the whole message fits
    link.a.transfers.set_message_limit(1073741823);  // never past our own chunk size
    CHECK(link.a.transfers.chunk_bytes() == kMaxChunkBytes);
    link.a.transfers.set_message_limit(100);  // a limit of mostly header is not obeyed literally
    CHECK(link.a.transfers.chunk_bytes() == kMinMessageBytes - kChunkHeaderBytes);
}

TEST_CASE("both sides send at once: each numbers its own offers, ids stay apart") {
    LinkPair link;
    link.open();
    const std::string x = random_bytes(300000, 5), y = random_bytes(200000, 6);
    link.offer(link.a, {{"x", x}});
    link.offer(link.b, {{"y", y}});
    accept(link, link.b, "in-t1");
    accept(link, link.a, "in-t1");
    CHECK(link.view_of(link.a, "t1").state == State::done);
    CHECK(link.view_of(link.a, "in-t1").state == State::done);
    CHECK(link.view_of(link.b, "t1").state == State::done);
    CHECK(link.view_of(link.b, "in-t1").state == State::done);
    CHECK(sink_named(link.b, "x").bytes == x);
    CHECK(sink_named(link.a, "y").bytes == y);
}

TEST_CASE("a declined offer ends on both sides, no byte is read or sent") {
    LinkPair link;
    link.open();
    const int pick = link.offer(link.a, {{"f", "data"}});
    link.act(link.b, [](Transfers& t, Transfers::Out& out) { t.decline("in-t1", out); });
    CHECK(link.view_of(link.b, "in-t1").state == State::declined);
    CHECK(link.view_of(link.a, "t1").state == State::declined);
    CHECK(link.a.released.count(pick) == 1);
    CHECK(link.a.reads_asked == 0);
    CHECK(link.a.frames_sent == 0);
    CHECK(link.b.sinks.empty());
}

TEST_CASE("offers made before the channels open wait for them") {
    LinkPair link;
    link.offer(link.a, {{"f", "early"}});
    CHECK(link.a.control_sent.empty());
    CHECK_THROWS(link.view_of(link.b, "in-t1"));
    link.open();
    accept(link, link.b, "in-t1");
    CHECK(sink_named(link.b, "f").bytes == "early");
}

TEST_CASE("accepted transfers run one at a time, in the order they were accepted") {
    LinkPair link;
    link.open();
    link.a.hold_reads = true;
    const std::string one = random_bytes(150000, 7), two = random_bytes(10, 8), three = random_bytes(70000, 9);
    link.offer(link.a, {{"one", one}});
    link.offer(link.a, {{"two", two}});
    link.offer(link.a, {{"three", three}});
    accept(link, link.b, "in-t3");
    accept(link, link.b, "in-t1");
    link.act(link.b, [](Transfers& t, Transfers::Out& out) { t.decline("in-t2", out); });

    CHECK(link.view_of(link.a, "t3").state == State::running);
    CHECK(link.view_of(link.a, "t1").state == State::queued);
    CHECK(link.view_of(link.a, "t2").state == State::declined);
    CHECK(link.view_of(link.b, "in-t1").state == State::queued);
    for (const auto& read : link.a.held_reads) CHECK(read.pick == 3);  // only t3's files are read

    while (!link.a.held_reads.empty()) link.answer_held_reads(link.a);
    CHECK(link.view_of(link.a, "t3").state == State::done);
    CHECK(link.view_of(link.a, "t1").state == State::done);
    CHECK(sink_named(link.b, "one").bytes == one);
    CHECK(sink_named(link.b, "three").bytes == three);
    // newest last, in creation order
    const auto views = link.a.transfers.view();
    REQUIRE(views.size() == 3);
    CHECK(views[0].id == "t1");
    CHECK(views[2].id == "t3");
}

TEST_CASE("cancel mid-way from the sender: the receiver discards, the pick is released") {
    LinkPair link;
    link.open();
    link.a.hold_reads = true;
    const int pick = link.offer(link.a, {{"done-first", "small file"}, {"big", random_bytes(2 * 1024 * 1024, 10)}});
    accept(link, link.b, "in-t1");
    link.answer_held_reads(link.a);
    link.answer_held_reads(link.a);
    REQUIRE(link.view_of(link.b, "in-t1").state == State::running);
    REQUIRE(link.b.sinks.size() == 2);  // the small file is in; the big one is being written

    cancel(link, link.a, "t1");
    link.answer_held_reads(link.a);  // reads already asked for come back: ignored

    const TransferView sent = link.view_of(link.a, "t1");
    const TransferView received = link.view_of(link.b, "in-t1");
    CHECK(sent.state == State::cancelled);
    CHECK(received.state == State::cancelled);
    CHECK(received.reason == "cancelled by the sender");
    CHECK(link.a.released.count(pick) == 1);
    const FakeSink& partial = sink_named(link.b, "big");
    CHECK(partial.closed);
    CHECK_FALSE(partial.kept);
    CHECK(sink_named(link.b, "done-first").kept);  // verified before the cancel: stays
    CHECK(received.files[0].state == State::done);
    CHECK(received.files[1].state == State::cancelled);
    CHECK_FALSE(link.a.timer_running);
    CHECK_FALSE(link.b.timer_running);
}

TEST_CASE("cancel mid-way from the receiver: the sender stops reading and sending") {
    LinkPair link;
    link.open();
    link.a.hold_reads = true;
    const int pick = link.offer(link.a, {{"big", random_bytes(2 * 1024 * 1024, 11)}});
    accept(link, link.b, "in-t1");
    link.answer_held_reads(link.a);
    REQUIRE(link.view_of(link.b, "in-t1").state == State::running);

    cancel(link, link.b, "in-t1");
    const std::size_t frames = link.a.frames_sent;
    const std::size_t reads = link.a.reads_asked;
    link.answer_held_reads(link.a);
    CHECK(link.a.frames_sent == frames);
    CHECK(link.a.reads_asked == reads);
    CHECK(link.view_of(link.a, "t1").state == State::cancelled);
    CHECK(link.view_of(link.a, "t1").reason == "cancelled by the receiver");
    CHECK(link.view_of(link.b, "in-t1").state == State::cancelled);
    CHECK(link.a.released.count(pick) == 1);
    CHECK(link.b.sinks.begin()->second.closed);
    CHECK_FALSE(link.b.sinks.begin()->second.kept);
}

TEST_CASE("cancelling an offer not yet accepted, from either side") {
    LinkPair link;
    link.open();
    const int pick = link.offer(link.a, {{"f", "x"}});
    cancel(link, link.a, "t1");
    CHECK(link.view_of(link.a, "t1").state == State::cancelled);
    CHECK(link.view_of(link.b, "in-t1").state == State::cancelled);
    CHECK(link.a.released.count(pick) == 1);

    link.offer(link.a, {{"g", "y"}});
    cancel(link, link.b, "in-t2");  // = decline
    CHECK(link.view_of(link.b, "in-t2").state == State::declined);
    CHECK(link.view_of(link.a, "t2").state == State::declined);
}

TEST_CASE("a stream cut mid-file ends failed on both sides, never done") {
    LinkPair link;
    // Framing v1 (an older peer): no blocks to resume from, so a lost link ends the transfer.
    link.a.transfers.speak_v1_only();
    link.b.transfers.speak_v1_only();
    link.open();
    const std::string data = random_bytes(1024 * 1024, 12);
    int frames = 0;
    link.a.tamper = [&](std::string&) { return ++frames <= 5; };  // the rest never arrives
    const int pick = link.offer(link.a, {{"f", data}});
    accept(link, link.b, "in-t1");
    CHECK(link.view_of(link.b, "in-t1").state == State::running);
    CHECK(link.view_of(link.a, "t1").state == State::running);  // all sent, verdict missing

    link.act(link.a, [](Transfers& t, Transfers::Out& out) { t.on_link_lost("channel closed", out); });
    link.act(link.b, [](Transfers& t, Transfers::Out& out) { t.on_link_lost("channel closed", out); });
    const TransferView sent = link.view_of(link.a, "t1");
    const TransferView received = link.view_of(link.b, "in-t1");
    CHECK(sent.state == State::failed);
    CHECK(received.state == State::failed);
    CHECK(received.reason == "connection lost: channel closed");
    CHECK(received.files[0].state == State::failed);
    CHECK(link.a.released.count(pick) == 1);
    CHECK_FALSE(link.b.sinks.begin()->second.kept);
    CHECK(link.b.sinks.begin()->second.closed);
    CHECK_FALSE(link.a.timer_running);
    CHECK_FALSE(link.b.timer_running);
}

TEST_CASE("a lost link fails offers and queued transfers both ways") {
    LinkPair link;
    link.open();
    const int pick = link.offer(link.a, {{"f", "x"}});
    link.offer(link.b, {{"g", "y"}});
    link.act(link.a, [](Transfers& t, Transfers::Out& out) { t.on_link_lost("", out); });
    CHECK(link.view_of(link.a, "t1").state == State::failed);
    CHECK(link.view_of(link.a, "in-t1").state == State::failed);
    CHECK(link.view_of(link.a, "in-t1").reason == "connection lost");
    CHECK(link.a.released.count(pick) == 1);
    CHECK_FALSE(link.a.transfers.busy());
}

TEST_CASE("a dropped chunk: the next one is out of order and the transfer fails on both sides") {
    LinkPair link;
    link.open();
    int frames = 0;
    link.a.tamper = [&](std::string&) { return ++frames != 3; };
    link.offer(link.a, {{"f", random_bytes(500000, 13)}});
    accept(link, link.b, "in-t1");
    const TransferView received = link.view_of(link.b, "in-t1");
    CHECK(received.state == State::failed);
    CHECK(received.reason.rfind("frame-out-of-order", 0) == 0);
    CHECK(received.files[0].reason == received.reason);
    CHECK(link.view_of(link.a, "t1").state == State::failed);
    CHECK(link.view_of(link.a, "t1").reason.find("frame-out-of-order") != std::string::npos);
    CHECK_FALSE(link.b.sinks.begin()->second.kept);
}

TEST_CASE("a dropped last chunk: the end frame comes early, the file is too short") {
    LinkPair link;
    // Framing v1: without block checksums the end frame is what finds the gap.
    link.a.transfers.speak_v1_only();
    link.b.transfers.speak_v1_only();
    link.open();
    link.a.tamper = [&](std::string& frame) {
        auto parsed = parse_frame(frame);
        const auto* chunk = std::get_if<ChunkFrame>(&parsed.value());
        return !(chunk && chunk->offset + chunk->bytes.size() == 100000);
    };
    link.offer(link.a, {{"f", random_bytes(100000, 14)}});
    accept(link, link.b, "in-t1");
    CHECK(link.view_of(link.b, "in-t1").reason.rfind("file-too-short", 0) == 0);
    CHECK(link.view_of(link.a, "t1").state == State::failed);
}

TEST_CASE("a corrupted chunk fails the checksum on both sides, the sink is discarded") {
    LinkPair link;
    // Framing v1: the whole-file checksum finds it (v2's block checksum: resume_test.cpp).
    link.a.transfers.speak_v1_only();
    link.b.transfers.speak_v1_only();
    link.open();
    int frames = 0;
    link.a.tamper = [&](std::string& frame) {
        if (++frames == 3) frame[kChunkHeaderBytes + 100] ^= 0x01;  // one bit, inside the payload
        return true;
    };
    const std::string first = random_bytes(5000, 15);
    link.offer(link.a, {{"first", first}, {"second", random_bytes(300000, 16)}, {"third", "never"}});
    accept(link, link.b, "in-t1");

    const TransferView received = link.view_of(link.b, "in-t1");
    const TransferView sent = link.view_of(link.a, "t1");
    CHECK(received.state == State::failed);
    CHECK(received.reason.rfind("checksum-mismatch", 0) == 0);
    CHECK(received.files[0].state == State::done);   // verified before the bad one
    CHECK(received.files[1].state == State::failed);
    CHECK(received.files[1].reason == received.reason);
    CHECK(received.files[2].state == State::failed);
    CHECK(sent.state == State::failed);
    CHECK(sent.reason.find("checksum-mismatch") != std::string::npos);
    CHECK(sent.files[0].state == State::done);
    CHECK(sent.files[1].state == State::failed);
    CHECK(sink_named(link.b, "first").kept);
    CHECK(sink_named(link.b, "first").bytes == first);
    CHECK(sink_named(link.b, "second").closed);
    CHECK_FALSE(sink_named(link.b, "second").kept);
    CHECK(link.b.sinks.size() == 2);  // "third" never started
}

TEST_CASE("a file that cannot be read fails the transfer on both sides") {
    LinkPair link;
    link.open();
    link.a.hold_reads = true;
    const int pick = link.offer(link.a, {{"f", random_bytes(300000, 17)}});
    accept(link, link.b, "in-t1");
    link.answer_held_reads(link.a);
    REQUIRE_FALSE(link.a.held_reads.empty());
    const peerline::ReadFileChunk read = link.a.held_reads.front();
    link.act(link.a, [&](Transfers& t, Transfers::Out& out) {
        t.on_file_read_failed(read.pick, read.file, "NotReadableError: gone", out);
    });
    CHECK(link.view_of(link.a, "t1").state == State::failed);
    CHECK(link.view_of(link.a, "t1").reason == "could not read `f`: NotReadableError: gone");
    CHECK(link.view_of(link.b, "in-t1").state == State::failed);
    CHECK(link.view_of(link.b, "in-t1").reason == "sender: could not read `f`: NotReadableError: gone");
    CHECK(link.a.released.count(pick) == 1);
}

TEST_CASE("a file that changed size while being read fails instead of sending wrong bytes") {
    LinkPair link;
    link.open();
    const int pick = link.offer(link.a, {{"f", random_bytes(100000, 18)}});
    link.a.picks[pick][0].resize(70000);  // truncated on disk after it was picked
    accept(link, link.b, "in-t1");
    CHECK(link.view_of(link.a, "t1").state == State::failed);
    CHECK(link.view_of(link.a, "t1").reason.find("the file changed") != std::string::npos);
    CHECK(link.view_of(link.b, "in-t1").state == State::failed);
}

TEST_CASE("a transfer of one 0-byte file: only an end frame, and the empty file is kept") {
    LinkPair link;
    link.open();
    link.offer(link.a, {{"empty", ""}});
    accept(link, link.b, "in-t1");
    CHECK(link.a.reads_asked == 0);
    CHECK(link.a.frames_sent == 1);
    CHECK(link.view_of(link.a, "t1").state == State::done);
    CHECK(link.view_of(link.b, "in-t1").state == State::done);
    REQUIRE(link.b.sinks.size() == 1);
    CHECK(link.b.sinks.begin()->second.kept);
    CHECK(link.b.sinks.begin()->second.bytes.empty());
}

TEST_CASE("the history of finished transfers is bounded") {
    LinkPair link;
    link.open();
    for (std::size_t i = 0; i < kMaxEndedTransfers + 10; ++i) {
        link.offer(link.a, {{"f", "x"}});
        link.act(link.b, [](Transfers& t, Transfers::Out& out) { t.decline(t.view().back().id, out); });
    }
    CHECK(link.a.transfers.view().size() == kMaxEndedTransfers);
    CHECK(link.b.transfers.view().size() == kMaxEndedTransfers);
    CHECK(link.a.transfers.view().back().id == "t" + std::to_string(kMaxEndedTransfers + 10));
}
