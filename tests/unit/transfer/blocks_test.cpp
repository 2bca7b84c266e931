// Block bookkeeping for resume (transfer/blocks.hpp): blocks verified in order and once, what a
// receiver can prove, and the sender's check of a resume request against its own file.
#include <catch2/catch.hpp>

#include "transfer/blocks.hpp"

using namespace peerline::transfer;

TEST_CASE("blocks: a file splits into whole blocks and a short last one") {
    BlockLedger ledger(3 * kBlockBytes + 10);
    CHECK(ledger.blocks() == 4);
    CHECK(ledger.block_length(0) == kBlockBytes);
    CHECK(ledger.block_length(3) == 10);
    CHECK(ledger.block_length(4) == 0);
    CHECK(BlockLedger(0).blocks() == 0);
    CHECK(BlockLedger(kBlockBytes).blocks() == 1);
    CHECK(block_count(2 * kBlockBytes + 1) == 3);
}

TEST_CASE("blocks: verified in order, the resume offset follows the last verified block") {
    BlockLedger ledger(3 * kBlockBytes + 10);
    CHECK(ledger.resume_offset() == 0);
    REQUIRE_FALSE(ledger.verify(0, 11, 11));
    REQUIRE_FALSE(ledger.verify(1, 22, 22));
    CHECK(ledger.verified() == 2);
    CHECK(ledger.resume_offset() == 2 * kBlockBytes);
    CHECK(ledger.proof() == std::vector<std::uint64_t>{11, 22});
    REQUIRE_FALSE(ledger.verify(2, 33, 33));
    REQUIRE_FALSE(ledger.verify(3, 44, 44));
    CHECK(ledger.resume_offset() == 3 * kBlockBytes + 10);  // all of it: nothing to resend
}

TEST_CASE("blocks: duplicate, missing, out-of-range and mismatching blocks are refused, nothing recorded") {
    BlockLedger ledger(2 * kBlockBytes);
    REQUIRE_FALSE(ledger.verify(0, 1, 1));
    auto duplicate = ledger.verify(0, 1, 1);
    REQUIRE(duplicate);
    CHECK(duplicate->code == block_error::kDuplicate);
    auto out_of_range = ledger.verify(2, 5, 5);
    REQUIRE(out_of_range);
    CHECK(out_of_range->code == block_error::kOutOfRange);
    auto far = ledger.verify(~std::uint64_t{0}, 5, 5);
    REQUIRE(far);
    CHECK(far->code == block_error::kOutOfRange);
    BlockLedger fresh(4 * kBlockBytes);
    auto missing = fresh.verify(1, 5, 5);
    REQUIRE(missing);
    CHECK(missing->code == block_error::kMissing);
    auto mismatch = fresh.verify(0, 5, 6);
    REQUIRE(mismatch);
    CHECK(mismatch->code == block_error::kMismatch);
    CHECK(fresh.verified() == 0);
    CHECK(ledger.verified() == 1);
}

TEST_CASE("resume: the sender continues from the first block the receiver cannot prove") {
    BlockLedger sender(5 * kBlockBytes);
    auto from = sender.check_resume({7, 8, 9}, {7, 8, 9, 10});
    REQUIRE(from);
    CHECK(from.value() == 3);
    auto nothing = sender.check_resume({}, {7, 8});
    REQUIRE(nothing);
    CHECK(nothing.value() == 0);
}

TEST_CASE("resume: a receiver that claims more than was ever sent, or blocks past the file, is refused") {
    BlockLedger sender(3 * kBlockBytes);
    auto unproven = sender.check_resume({7, 8, 9}, {7, 8});  // block 2 was never sent, so never verified
    REQUIRE_FALSE(unproven);
    CHECK(unproven.error().code == block_error::kResumeUnproven);
    auto beyond = sender.check_resume({1, 2, 3, 4}, {1, 2, 3, 4});
    REQUIRE_FALSE(beyond);
    CHECK(beyond.error().code == block_error::kResumeBeyondFile);
}

TEST_CASE("resume: a file changed between the drop and the resume fails with the block that differs") {
    BlockLedger sender(3 * kBlockBytes);
    auto changed = sender.check_resume({7, 99}, {7, 8, 9});
    REQUIRE_FALSE(changed);
    CHECK(changed.error().code == block_error::kResumeChanged);
    CHECK(changed.error().message.find("block 1") != std::string::npos);
}
