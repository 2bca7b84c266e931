#include "transfer/frame.hpp"

#include "transfer/limits.hpp"

namespace peerline::transfer {
namespace {

void put_u8(std::string& out, std::uint8_t v) { out.push_back(static_cast<char>(v)); }
void put_u32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) put_u8(out, static_cast<std::uint8_t>(v >> shift));
}
void put_u64(std::string& out, std::uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) put_u8(out, static_cast<std::uint8_t>(v >> shift));
}

// Reads fixed-width fields front to back; the caller has checked the length beforehand.
class Reader {
public:
    explicit Reader(std::string_view bytes) : bytes_(bytes) {}
    std::uint8_t u8() { return static_cast<std::uint8_t>(bytes_[pos_++]); }
    std::uint32_t u32() {
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v = (v << 8) | u8();
        return v;
    }
    std::uint64_t u64() {
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v = (v << 8) | u8();
        return v;
    }
    std::string_view rest() const { return bytes_.substr(pos_); }

private:
    std::string_view bytes_;
    std::size_t pos_ = 0;
};

Error error(const char* code, std::string message) { return make_error(code, std::move(message)); }

Result<Frame> parse_chunk(std::string_view message) {
    if (message.size() < kChunkHeaderBytes) {
        return error(frame_error::kTruncated, "chunk frame shorter than its " +
                                                  std::to_string(kChunkHeaderBytes) + "-byte header");
    }
    Reader r(message);
    r.u8();
    ChunkFrame f;
    f.transfer = r.u32();
    f.file = r.u32();
    f.offset = r.u64();
    const std::uint32_t length = r.u32();
    f.bytes = r.rest();
    if (f.transfer == 0) return error(frame_error::kBadTransfer, "transfer number 0");
    if (length != f.bytes.size()) {
        return error(frame_error::kLengthMismatch, "chunk declares " + std::to_string(length) +
                                                       " bytes but carries " +
                                                       std::to_string(f.bytes.size()));
    }
    if (f.bytes.empty()) return error(frame_error::kEmptyChunk, "chunk without bytes");
    if (f.bytes.size() > kMaxChunkBytes) {
        return error(frame_error::kTooLarge, "chunk of " + std::to_string(f.bytes.size()) +
                                                 " bytes, more than " + std::to_string(kMaxChunkBytes));
    }
    if (f.offset > kMaxFileBytes - f.bytes.size()) {
        return error(frame_error::kOffsetOverflow, "chunk ends past the largest file size");
    }
    return Frame{f};
}

Result<Frame> parse_file_end(std::string_view message) {
    if (message.size() < kFileEndBytes) {
        return error(frame_error::kTruncated, "file-end frame shorter than " +
                                                  std::to_string(kFileEndBytes) + " bytes");
    }
    if (message.size() > kFileEndBytes) {
        return error(frame_error::kTrailingBytes, "file-end frame longer than " +
                                                      std::to_string(kFileEndBytes) + " bytes");
    }
    Reader r(message);
    r.u8();
    FileEndFrame f;
    f.transfer = r.u32();
    f.file = r.u32();
    f.size = r.u64();
    for (auto& b : f.digest) b = r.u8();
    if (f.transfer == 0) return error(frame_error::kBadTransfer, "transfer number 0");
    if (f.size > kMaxFileBytes) return error(frame_error::kOffsetOverflow, "file size past the limit");
    return Frame{f};
}

Result<Frame> parse_abort(std::string_view message) {
    if (message.size() < kAbortHeaderBytes) {
        return error(frame_error::kTruncated, "abort frame shorter than " +
                                                  std::to_string(kAbortHeaderBytes) + " bytes");
    }
    Reader r(message);
    r.u8();
    AbortFrame f;
    f.transfer = r.u32();
    const std::uint8_t cause = r.u8();
    f.reason = r.rest();
    if (f.transfer == 0) return error(frame_error::kBadTransfer, "transfer number 0");
    if (cause != static_cast<std::uint8_t>(AbortCause::cancelled) &&
        cause != static_cast<std::uint8_t>(AbortCause::failed)) {
        return error(frame_error::kBadCause, "abort cause " + std::to_string(cause));
    }
    f.cause = static_cast<AbortCause>(cause);
    if (f.reason.size() > kMaxReasonBytes) {
        return error(frame_error::kTooLarge, "abort reason longer than " +
                                                 std::to_string(kMaxReasonBytes) + " bytes");
    }
    return Frame{f};
}

Result<Frame> parse_block_sum(std::string_view message) {
    if (message.size() != kBlockSumBytes) {
        return error(message.size() < kBlockSumBytes ? frame_error::kTruncated : frame_error::kTrailingBytes,
                     "block-sum frame of " + std::to_string(message.size()) + " bytes, not " +
                         std::to_string(kBlockSumBytes));
    }
    Reader r(message);
    r.u8();
    BlockSumFrame f;
    f.transfer = r.u32();
    f.file = r.u32();
    f.block = r.u64();
    f.sum = r.u64();
    if (f.transfer == 0) return error(frame_error::kBadTransfer, "transfer number 0");
    return Frame{f};
}

}  // namespace

Result<Frame> parse_frame(std::string_view message) {
    if (message.empty()) return error(frame_error::kEmpty, "empty frame");
    switch (static_cast<std::uint8_t>(message[0])) {
        case static_cast<std::uint8_t>(FrameKind::chunk): return parse_chunk(message);
        case static_cast<std::uint8_t>(FrameKind::file_end): return parse_file_end(message);
        case static_cast<std::uint8_t>(FrameKind::abort): return parse_abort(message);
        case static_cast<std::uint8_t>(FrameKind::block_sum): return parse_block_sum(message);
        default:
            return error(frame_error::kUnknownKind,
                         "unknown frame kind " + std::to_string(static_cast<std::uint8_t>(message[0])));
    }
}

void write_chunk_frame(std::string& out, std::uint32_t transfer, std::uint32_t file,
                       std::uint64_t offset, std::string_view bytes) {
    out.clear();
    out.reserve(kChunkHeaderBytes + bytes.size());
    put_u8(out, static_cast<std::uint8_t>(FrameKind::chunk));
    put_u32(out, transfer);
    put_u32(out, file);
    put_u64(out, offset);
    put_u32(out, static_cast<std::uint32_t>(bytes.size()));
    out.append(bytes.data(), bytes.size());
}

void write_file_end_frame(std::string& out, std::uint32_t transfer, std::uint32_t file,
                          std::uint64_t size, const Digest& digest) {
    out.clear();
    out.reserve(kFileEndBytes);
    put_u8(out, static_cast<std::uint8_t>(FrameKind::file_end));
    put_u32(out, transfer);
    put_u32(out, file);
    put_u64(out, size);
    for (auto b : digest) put_u8(out, b);
}

void write_abort_frame(std::string& out, std::uint32_t transfer, AbortCause cause,
                       std::string_view reason) {
    out.clear();
    put_u8(out, static_cast<std::uint8_t>(FrameKind::abort));
    put_u32(out, transfer);
    put_u8(out, static_cast<std::uint8_t>(cause));
    out.append(reason.substr(0, kMaxReasonBytes));
}

void write_block_sum_frame(std::string& out, std::uint32_t transfer, std::uint32_t file, std::uint64_t block,
                           std::uint64_t sum) {
    out.clear();
    put_u8(out, static_cast<std::uint8_t>(FrameKind::block_sum));
    put_u32(out, transfer);
    put_u32(out, file);
    put_u64(out, block);
    put_u64(out, sum);
}

}  // namespace peerline::transfer
