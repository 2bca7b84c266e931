// Framing v2 (docs/transfer.md "Resume"): negotiated per transfer, an older peer still gets v1;
// block checksums are checked in order, once each, against the bytes received.
#include <catch2/catch.hpp>

#include <functional>

#include "link_pair.hpp"
#include "transfer/blocks.hpp"
#include "transfer/frame.hpp"

using namespace peerline::transfer;
using namespace peerline::transfer::test;

namespace {

void accept(LinkPair& link, FakeSide& side, const std::string& id) {
    link.act(side, [&](Transfers& t, Transfers::Out& out) { t.accept(id, out); });
}

const nlohmann::json& first_of_type(const FakeSide& side, const std::string& type) {
    for (const auto& m : side.control_sent) {
        if (m.value("type", "") == type) return m;
    }
    throw std::runtime_error("no " + type + " sent");
}

struct Run {
    std::size_t block_sums = 0;
    bool offer_has_blocks = false;
    bool accept_has_blocks = false;
    bool arrived_whole = false;
};

// One 3 MiB + 7 byte file from a to b; `older` makes a side speak v1 only.
Run transfer_between(bool older_sender, bool older_receiver) {
    LinkPair link;
    if (older_sender) link.a.transfers.speak_v1_only();
    if (older_receiver) link.b.transfers.speak_v1_only();
    link.open();
    Run run;
    link.a.tamper = [&](std::string& frame) {
        if (!frame.empty() && frame[0] == static_cast<char>(FrameKind::block_sum)) ++run.block_sums;
        return true;
    };
    const std::string data = random_bytes(3 * kMiB + 7, 41);
    link.offer(link.a, {{"f", data}});
    accept(link, link.b, "in-t1");
    run.offer_has_blocks = first_of_type(link.a, "transfer-offer").contains("blocks");
    run.accept_has_blocks = first_of_type(link.b, "transfer-accept").contains("blocks");
    run.arrived_whole = link.view_of(link.b, "in-t1").state == State::done &&
                        link.view_of(link.a, "t1").state == State::done && link.b.sinks.begin()->second.bytes == data;
    return run;
}

// A v2 transfer of `size` bytes whose frames a's tamper may edit; returns b's view of it.
TransferView tampered(std::size_t size, const std::function<bool(std::string&)>& tamper, LinkPair& link) {
    link.open();
    link.a.tamper = tamper;
    link.offer(link.a, {{"f", random_bytes(size, 42)}});
    accept(link, link.b, "in-t1");
    return link.view_of(link.b, "in-t1");
}

// Rewrites the block index of block-sum frames for which `edit` says so.
std::function<bool(std::string&)> edit_block_index(std::function<std::uint64_t(std::uint64_t)> edit) {
    return [edit](std::string& frame) {
        auto parsed = parse_frame(frame);
        const auto* sum = std::get_if<BlockSumFrame>(&parsed.value());
        if (sum) write_block_sum_frame(frame, sum->transfer, sum->file, edit(sum->block), sum->sum);
        return true;
    };
}

}  // namespace

TEST_CASE("two v2 peers agree on 1 MiB blocks: a block checksum after each block, the last one short") {
    const Run run = transfer_between(false, false);
    CHECK(run.offer_has_blocks);
    CHECK(run.accept_has_blocks);
    CHECK(run.block_sums == 4);  // 3 whole blocks and 7 bytes
    CHECK(run.arrived_whole);
}

TEST_CASE("an older receiver ignores the offer's blocks and gets a plain v1 transfer") {
    const Run run = transfer_between(false, true);
    CHECK(run.offer_has_blocks);
    CHECK_FALSE(run.accept_has_blocks);
    CHECK(run.block_sums == 0);
    CHECK(run.arrived_whole);
}

TEST_CASE("an older sender offers without blocks: the v2 receiver accepts plain v1") {
    const Run run = transfer_between(true, false);
    CHECK_FALSE(run.offer_has_blocks);
    CHECK_FALSE(run.accept_has_blocks);
    CHECK(run.block_sums == 0);
    CHECK(run.arrived_whole);
}

TEST_CASE("a block checksum repeated for a verified block fails the transfer as a duplicate") {
    LinkPair link;
    const auto view = tampered(3 * kMiB, edit_block_index([](std::uint64_t b) { return b == 1 ? 0 : b; }), link);
    CHECK(view.state == State::failed);
    CHECK(view.reason.rfind(block_error::kDuplicate, 0) == 0);
    CHECK(link.view_of(link.a, "t1").state == State::failed);
    CHECK(link.b.sinks.begin()->second.deleted);
}

TEST_CASE("a block checksum that skips a block fails the transfer as missing") {
    LinkPair link;
    const auto view = tampered(3 * kMiB, edit_block_index([](std::uint64_t b) { return b == 0 ? 1 : b; }), link);
    CHECK(view.state == State::failed);
    CHECK(view.reason.rfind(block_error::kMissing, 0) == 0);
    CHECK(link.b.sinks.begin()->second.deleted);
}

TEST_CASE("a block checksum past the file's last block fails the transfer as out of range") {
    LinkPair link;
    const auto view = tampered(2 * kMiB + 5, edit_block_index([](std::uint64_t b) { return b == 0 ? 99 : b; }), link);
    CHECK(view.state == State::failed);
    CHECK(view.reason.rfind(block_error::kOutOfRange, 0) == 0);
}

TEST_CASE("a corrupted chunk is caught at its block's checksum, before the file's end") {
    LinkPair link;
    int frames = 0;
    const auto view = tampered(3 * kMiB, [&](std::string& frame) {
        if (++frames == 2) frame[kChunkHeaderBytes + 10] ^= 0x01;
        return true;
    }, link);
    CHECK(view.state == State::failed);
    CHECK(view.reason.rfind(block_error::kMismatch, 0) == 0);
    CHECK(view.files[0].done <= kBlockBytes);  // nothing of the next block was taken
    CHECK(link.view_of(link.a, "t1").state == State::failed);
}

TEST_CASE("a block checksum that never comes: the next chunk may not cross into the next block") {
    LinkPair link;
    const auto view = tampered(3 * kMiB, [](std::string& frame) {
        auto parsed = parse_frame(frame);
        const auto* sum = std::get_if<BlockSumFrame>(&parsed.value());
        return !(sum && sum->block == 0);
    }, link);
    CHECK(view.state == State::failed);
    CHECK(view.reason.find("crosses the end of block 0") != std::string::npos);
}
