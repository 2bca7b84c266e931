// Binary frames of the "files" data channel (docs/transfer.md, "Binary frames"). Pure: bytes in,
// typed frame or typed error out; the frame's views point into the caller's buffer.
//
// Every integer is big-endian. One data-channel message is exactly one frame: SCTP keeps message
// boundaries, and the explicit length of a chunk catches a shell that sliced its buffer wrong.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "result.hpp"

namespace peerline::transfer {

enum class FrameKind : std::uint8_t { chunk = 1, file_end = 2, abort = 3, block_sum = 4 };

// kind u8 | transfer u32 | file u32 | offset u64 | length u32 | payload
constexpr std::size_t kChunkHeaderBytes = 1 + 4 + 4 + 8 + 4;
// kind u8 | transfer u32 | file u32 | size u64 | XXH3-128 canonical (16 bytes)
constexpr std::size_t kFileEndBytes = 1 + 4 + 4 + 8 + 16;
// kind u8 | transfer u32 | cause u8 | reason (UTF-8, the rest of the message)
constexpr std::size_t kAbortHeaderBytes = 1 + 4 + 1;

// kind u8 | transfer u32 | file u32 | block u64 | XXH3-64 u64 (framing v2 only)
constexpr std::size_t kBlockSumBytes = 1 + 4 + 4 + 8 + 8;

using Digest = std::array<std::uint8_t, 16>;  // XXH128_canonical_t: big-endian high64, low64

struct ChunkFrame {
    std::uint32_t transfer = 0;  // the number of the sender's id "t<n>"
    std::uint32_t file = 0;      // index in the offer
    std::uint64_t offset = 0;
    std::string_view bytes;      // never empty, at most kMaxChunkBytes
};
struct FileEndFrame {  // after a file's last chunk (the only frame of a 0-byte file)
    std::uint32_t transfer = 0;
    std::uint32_t file = 0;
    std::uint64_t size = 0;
    Digest digest{};
};
enum class AbortCause : std::uint8_t { cancelled = 1, failed = 2 };
struct AbortFrame {  // the sender stops a transfer it has started sending: in band, so it is
                     // ordered after that transfer's frames and before the next transfer's
    std::uint32_t transfer = 0;
    AbortCause cause = AbortCause::cancelled;
    std::string_view reason;
};
struct BlockSumFrame {  // framing v2: after a block's last chunk, the sender's XXH3-64 of it
    std::uint32_t transfer = 0;
    std::uint32_t file = 0;
    std::uint64_t block = 0;
    std::uint64_t sum = 0;
};
using Frame = std::variant<ChunkFrame, FileEndFrame, AbortFrame, BlockSumFrame>;

namespace frame_error {  // Error::code values of parse_frame
constexpr const char* kEmpty = "frame-empty";
constexpr const char* kUnknownKind = "frame-unknown-kind";
constexpr const char* kTruncated = "frame-truncated";          // shorter than its header
constexpr const char* kLengthMismatch = "frame-length-mismatch";  // declared ≠ actual length
constexpr const char* kEmptyChunk = "frame-empty-chunk";
constexpr const char* kTooLarge = "frame-too-large";           // payload > kMaxChunkBytes
constexpr const char* kTrailingBytes = "frame-trailing-bytes";
constexpr const char* kBadTransfer = "frame-bad-transfer";     // transfer number 0
constexpr const char* kBadCause = "frame-bad-cause";
constexpr const char* kOffsetOverflow = "frame-offset-overflow";  // offset + length past kMaxFileBytes
}  // namespace frame_error

Result<Frame> parse_frame(std::string_view message);

// Builders append to `out` (cleared first) so a caller can reuse one buffer's capacity.
void write_chunk_frame(std::string& out, std::uint32_t transfer, std::uint32_t file,
                       std::uint64_t offset, std::string_view bytes);
void write_file_end_frame(std::string& out, std::uint32_t transfer, std::uint32_t file,
                          std::uint64_t size, const Digest& digest);
void write_abort_frame(std::string& out, std::uint32_t transfer, AbortCause cause,
                       std::string_view reason);
void write_block_sum_frame(std::string& out, std::uint32_t transfer, std::uint32_t file, std::uint64_t block,
                           std::uint64_t sum);

}  // namespace peerline::transfer
