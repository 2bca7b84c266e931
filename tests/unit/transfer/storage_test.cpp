// Where received files are stored (transfers_storage.cpp): the storage estimate before accepting,
// a file done only once stored, a failed write failing its transfer with the reason, and every
// sink not done deleted when a transfer ends otherwise.
#include <catch2/catch.hpp>

#include "link_pair.hpp"

using namespace peerline::transfer;
using namespace peerline::transfer::test;

namespace {
void accept(LinkPair& link, FakeSide& side, const std::string& id) {
    link.act(side, [&](Transfers& t, Transfers::Out& out) { t.accept(id, out); });
}
bool sent_type(const FakeSide& side, const std::string& type) {
    for (const auto& m : side.control_sent) {
        if (m.value("type", "") == type) return true;
    }
    return false;
}
}  // namespace

TEST_CASE("accept asks for the storage estimate first, with the offer's key and size") {
    LinkPair link;
    link.open();
    const std::string bytes = random_bytes(100'000, 3);
    link.offer(link.a, {{"a.bin", bytes}});
    Transfers::Out out;
    link.b.transfers.accept("in-t1", out);
    REQUIRE(out.size() == 1);  // nothing else yet: no transfer-accept before the answer
    const auto check = std::get<peerline::CheckStorage>(out[0]);
    CHECK(check.key == "peer-a/1/in-t1");
    CHECK(check.bytes == bytes.size());
    // Pressing Accept again while the estimate is on its way asks nothing more.
    out.clear();
    link.b.transfers.accept("in-t1", out);
    CHECK(out.empty());
    CHECK(link.view_of(link.b, "in-t1").state == State::offered);
}

TEST_CASE("an offer that does not fit the free storage is refused with the numbers, on both sides") {
    LinkPair link;
    link.open();
    link.b.storage_free = 40 * kMiB;
    link.offer(link.a, {{"big.bin", random_bytes(9 * kMiB, 4)}});
    accept(link, link.b, "in-t1");
    const TransferView received = link.view_of(link.b, "in-t1");
    const TransferView sent = link.view_of(link.a, "t1");
    CHECK(received.state == State::failed);
    CHECK(received.reason == "refused: not enough storage: 41.0 MiB needed, 40.0 MiB free for this site");
    CHECK(sent.state == State::failed);
    CHECK(sent.reason == "refused by the receiver: not enough storage: 41.0 MiB needed, 40.0 MiB free for this site");
    CHECK_FALSE(sent_type(link.b, "transfer-accept"));
    CHECK(link.a.frames_sent == 0);
    CHECK(link.b.sinks.empty());
    CHECK(link.a.released.size() == 1);
}

TEST_CASE("the estimate must also hold what accepted transfers still have to write") {
    LinkPair link;
    link.open();
    link.a.hold_reads = true;  // the first transfer stays running, its bytes still to come
    link.b.storage_free = 100 * kMiB;
    link.offer(link.a, {{"first.bin", random_bytes(50 * kMiB, 5)}});
    link.offer(link.a, {{"second.bin", random_bytes(30 * kMiB, 6)}});
    accept(link, link.b, "in-t1");  // 50 + 32 headroom ≤ 100
    CHECK(link.view_of(link.b, "in-t1").state != State::failed);
    accept(link, link.b, "in-t2");  // 30 + 50 coming + 32 > 100
    CHECK(link.view_of(link.b, "in-t2").state == State::failed);
    CHECK(link.view_of(link.b, "in-t2").reason.find("not enough storage: 112.0 MiB needed") != std::string::npos);
    link.answer_held_reads(link.a);
}

TEST_CASE("without an estimate the offer is accepted: a full disk fails the write instead") {
    LinkPair link;
    link.open();
    link.b.storage_free.reset();
    const std::string bytes = random_bytes(300'000, 7);
    link.offer(link.a, {{"a.bin", bytes}});
    accept(link, link.b, "in-t1");
    CHECK(link.view_of(link.b, "in-t1").state == State::done);
    CHECK(link.view_of(link.a, "t1").state == State::done);
    CHECK(link.b.sinks.begin()->second.bytes == bytes);
}

TEST_CASE("declined while the estimate was on its way: the late estimate accepts nothing") {
    LinkPair link;
    link.open();
    link.offer(link.a, {{"a.bin", random_bytes(1000, 8)}});
    Transfers::Out out;
    link.b.transfers.accept("in-t1", out);  // the estimate is asked, not answered yet
    REQUIRE(out.size() == 1);
    const auto check = std::get<peerline::CheckStorage>(out[0]);
    link.act(link.b, [](Transfers& t, Transfers::Out& o) { t.decline("in-t1", o); });
    link.act(link.b, [&](Transfers& t, Transfers::Out& o) {
        CHECK(t.on_storage_checked(peerline::StorageChecked{check.key, true, std::uint64_t{1} << 40, ""}, o));
        CHECK(o.empty());
    });
    CHECK(link.view_of(link.b, "in-t1").state == State::declined);
    CHECK(link.view_of(link.a, "t1").state == State::declined);
    CHECK_FALSE(sent_type(link.b, "transfer-accept"));
}

TEST_CASE("an estimate or a stored sink of another link is not taken") {
    LinkPair link;
    link.open();
    Transfers::Out out;
    CHECK_FALSE(link.b.transfers.on_storage_checked(peerline::StorageChecked{"peer-x/1/in-t1", true, 1, ""}, out));
    CHECK_FALSE(link.b.transfers.on_sink_stored("peer-x/1/in-t1/0", out));
    CHECK_FALSE(link.b.transfers.on_sink_failed("peer-x/1/in-t1/0", "no", out));
    CHECK(out.empty());
}

TEST_CASE("a verified file is done, and its verdict sent, only once it is stored") {
    LinkPair link;
    link.open();
    link.b.hold_stores = true;
    const std::string bytes = random_bytes(700'000, 9);
    link.offer(link.a, {{"a.bin", bytes}, {"b.bin", "xyz"}});
    accept(link, link.b, "in-t1");
    REQUIRE(link.b.held_stores.size() == 2);
    TransferView received = link.view_of(link.b, "in-t1");
    CHECK(received.state == State::running);
    CHECK(received.files[0].state == State::running);
    CHECK(received.done == received.total);
    CHECK_FALSE(sent_type(link.b, "transfer-verified"));
    CHECK(link.view_of(link.a, "t1").state == State::running);

    link.answer_held_stores(link.b);
    CHECK(link.view_of(link.b, "in-t1").state == State::done);
    CHECK(link.view_of(link.a, "t1").state == State::done);
}

TEST_CASE("a write that fails mid-way fails the transfer on both sides with the reason, never done") {
    LinkPair link;
    link.open();
    link.b.fail_writes_after = 1 * kMiB;
    link.offer(link.a, {{"first.bin", random_bytes(300'000, 10)}, {"big.bin", random_bytes(3 * kMiB, 11)}});
    accept(link, link.b, "in-t1");
    const TransferView received = link.view_of(link.b, "in-t1");
    CHECK(received.state == State::failed);
    CHECK(received.reason == "could not store `big.bin`: QuotaExceededError: the disk is full");
    CHECK(received.files[0].state == State::done);  // stored before the failure: kept
    CHECK(received.files[1].state == State::failed);
    const TransferView sent = link.view_of(link.a, "t1");
    CHECK(sent.state == State::failed);
    CHECK(sent.reason == "receiver: could not store `big.bin`: QuotaExceededError: the disk is full");
    for (const auto& [key, sink] : link.b.sinks) {
        if (sink.name == "big.bin") CHECK(sink.deleted);
        else CHECK(sink.stored);
    }
}

TEST_CASE("a verified file still being stored when the link is lost is deleted, not kept") {
    LinkPair link;
    // Framing v1: a lost link ends the transfer (v2 keeps it for a resume: resume_test.cpp).
    link.a.transfers.speak_v1_only();
    link.b.transfers.speak_v1_only();
    link.open();
    link.b.hold_stores = true;
    link.offer(link.a, {{"a.bin", random_bytes(10'000, 12)}});
    accept(link, link.b, "in-t1");
    REQUIRE(link.b.held_stores.size() == 1);
    link.connected = false;
    link.act(link.b, [](Transfers& t, Transfers::Out& out) { t.on_link_lost("ICE failed", out); });
    CHECK(link.view_of(link.b, "in-t1").state == State::failed);
    CHECK(link.b.sinks.begin()->second.deleted);
    // The store completing late changes nothing.
    link.answer_held_stores(link.b);
    CHECK(link.view_of(link.b, "in-t1").state == State::failed);
}

TEST_CASE("a received file that leaves the bounded history is deleted from storage") {
    LinkPair link;
    link.open();
    for (std::size_t i = 0; i <= kMaxEndedTransfers; ++i) {
        link.offer(link.a, {{"f" + std::to_string(i), "bytes"}});
        accept(link, link.b, "in-t" + std::to_string(i + 1));
    }
    const FakeSink& first = link.b.sinks.at("peer-a/1/in-t1/0");
    CHECK(first.stored);
    CHECK(first.deleted);
    CHECK_FALSE(link.b.sinks.at("peer-a/1/in-t2/0").deleted);
    for (const auto& v : link.b.transfers.view()) CHECK(v.id != "in-t1");
}

TEST_CASE("a link's Transfers going away deletes the files only it showed") {
    LinkPair link;
    link.open();
    link.offer(link.a, {{"kept.bin", "abc"}});
    accept(link, link.b, "in-t1");
    REQUIRE(link.view_of(link.b, "in-t1").state == State::done);
    link.act(link.b, [](Transfers& t, Transfers::Out& out) { t.delete_stored_files(out); });
    CHECK(link.b.sinks.at("peer-a/1/in-t1/0").deleted);
    CHECK(link.view_of(link.b, "in-t1").files.at(0).sink.empty());  // no Save link any more
}
