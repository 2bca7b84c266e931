// The binary frames of the files channel: round trips and every malformed frame → typed error.
#include <catch2/catch.hpp>

#include "transfer/checksum.hpp"
#include "transfer/frame.hpp"
#include "transfer/limits.hpp"

using namespace peerline::transfer;

namespace {
std::string chunk(std::uint32_t transfer, std::uint32_t file, std::uint64_t offset, std::string_view bytes) {
    std::string out;
    write_chunk_frame(out, transfer, file, offset, bytes);
    return out;
}
std::string error_code(std::string_view frame) {
    auto parsed = parse_frame(frame);
    REQUIRE_FALSE(parsed.ok());
    return parsed.error().code;
}
}  // namespace

TEST_CASE("chunk frame round trip with a big-endian header") {
    const std::string payload = "hello, file";
    const std::string frame = chunk(0x01020304, 5, 0x0122334455ULL, payload);
    REQUIRE(frame.size() == kChunkHeaderBytes + payload.size());
    CHECK(static_cast<unsigned char>(frame[0]) == 1);
    CHECK(frame.substr(1, 4) == std::string("\x01\x02\x03\x04", 4));
    auto parsed = parse_frame(frame);
    REQUIRE(parsed.ok());
    const auto& c = std::get<ChunkFrame>(parsed.value());
    CHECK(c.transfer == 0x01020304);
    CHECK(c.file == 5);
    CHECK(c.offset == 0x0122334455ULL);
    CHECK(c.bytes == payload);
}

TEST_CASE("file-end frame round trip carries size and XXH3-128") {
    const Digest d = digest_of("some bytes");
    std::string frame;
    write_file_end_frame(frame, 9, 2, 10, d);
    REQUIRE(frame.size() == kFileEndBytes);
    auto parsed = parse_frame(frame);
    REQUIRE(parsed.ok());
    const auto& e = std::get<FileEndFrame>(parsed.value());
    CHECK(e.transfer == 9);
    CHECK(e.file == 2);
    CHECK(e.size == 10);
    CHECK(e.digest == d);
}

TEST_CASE("abort frame round trip") {
    std::string frame;
    write_abort_frame(frame, 3, AbortCause::failed, "disk gone");
    auto parsed = parse_frame(frame);
    REQUIRE(parsed.ok());
    const auto& a = std::get<AbortFrame>(parsed.value());
    CHECK(a.transfer == 3);
    CHECK(a.cause == AbortCause::failed);
    CHECK(a.reason == "disk gone");
}

TEST_CASE("malformed frames are typed errors") {
    const std::string good = chunk(1, 0, 0, "abcd");
    CHECK(error_code("") == frame_error::kEmpty);
    CHECK(error_code(std::string(1, '\x09') + good.substr(1)) == frame_error::kUnknownKind);
    CHECK(error_code(std::string(1, '\0')) == frame_error::kUnknownKind);
    // Every cut inside the header is "truncated"; a cut in the payload breaks the length.
    for (std::size_t n = 1; n < kChunkHeaderBytes; ++n) CHECK(error_code(good.substr(0, n)) == frame_error::kTruncated);
    CHECK(error_code(good.substr(0, good.size() - 1)) == frame_error::kLengthMismatch);
    CHECK(error_code(good + "x") == frame_error::kLengthMismatch);
    CHECK(error_code(chunk(1, 0, 0, "")) == frame_error::kEmptyChunk);
    CHECK(error_code(chunk(0, 0, 0, "abcd")) == frame_error::kBadTransfer);
    CHECK(error_code(chunk(1, 0, 0, std::string(kMaxChunkBytes + 1, 'x'))) == frame_error::kTooLarge);
    CHECK(parse_frame(chunk(1, 0, 0, std::string(kMaxChunkBytes, 'x'))).ok());
    CHECK(error_code(chunk(1, 0, kMaxFileBytes - 3, "abcd")) == frame_error::kOffsetOverflow);
    CHECK(error_code(chunk(1, 0, ~0ULL, "abcd")) == frame_error::kOffsetOverflow);

    std::string end;
    write_file_end_frame(end, 1, 0, 4, digest_of("abcd"));
    CHECK(error_code(end.substr(0, end.size() - 1)) == frame_error::kTruncated);
    CHECK(error_code(end + "x") == frame_error::kTrailingBytes);
    write_file_end_frame(end, 1, 0, kMaxFileBytes + 1, digest_of(""));
    CHECK(error_code(end) == frame_error::kOffsetOverflow);

    std::string abort;
    write_abort_frame(abort, 1, AbortCause::cancelled, "");
    CHECK(error_code(abort.substr(0, kAbortHeaderBytes - 1)) == frame_error::kTruncated);
    abort[5] = 9;
    CHECK(error_code(abort) == frame_error::kBadCause);
    write_abort_frame(abort, 1, AbortCause::cancelled, "");
    CHECK(error_code(abort + std::string(kMaxReasonBytes + 1, 'r')) == frame_error::kTooLarge);
}

TEST_CASE("XXH3-128 streaming equals one shot and the hex form is canonical") {
    Checksum sum;
    const std::string data(100000, 'q');
    for (std::size_t pos = 0; pos < data.size(); pos += 777) sum.update(std::string_view(data).substr(pos, 777));
    CHECK(sum.digest() == digest_of(data));
    // The XXH3-128 of the empty input, as xxhsum -H2 prints it.
    CHECK(to_hex(digest_of("")) == "99aa06d3014798d86001c324468d497f");
    sum.reset();
    CHECK(sum.digest() == digest_of(""));
}
