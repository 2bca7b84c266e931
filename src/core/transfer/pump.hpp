// Turns the files of the one transfer being sent into frames: asks the shell for chunks
// (ReadFileChunk), hashes them, and sends chunk and file-end frames, in order, while keeping
// (files-channel bufferedAmount + bytes asked for or held) ≤ kHighWaterBytes.
//
// Reads are issued in file order and remembered in that order; a read that completes early waits
// in its slot until the ones before it are sent, so out-of-order completions cannot reorder bytes.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "actions.hpp"
#include "result.hpp"
#include "transfer/checksum.hpp"
#include "transfer/outgoing.hpp"

namespace peerline::transfer {

class ChunkPump {
public:
    using Out = std::vector<Action>;
    ChunkPump(int pc, int channel) : pc_(pc), channel_(channel) {}

    void set_chunk_bytes(std::uint64_t bytes) { chunk_bytes_ = bytes; }
    std::uint64_t chunk_bytes() const { return chunk_bytes_; }

    void start(OutgoingTransfer& transfer);
    // Forget the transfer: reads still in flight will be answered and ignored.
    void stop();
    bool active() const { return transfer_ != nullptr; }
    OutgoingTransfer* transfer() const { return transfer_; }

    // The shell's latest channel.bufferedAmount (replaces the estimate).
    void on_buffered(std::uint64_t amount) { buffered_ = amount; }
    // Issues reads while the window allows and sends what is ready. Marks files' end frames
    // sent; the transfer is through when transfer()->all_sent().
    void pump(Out& out);
    // A chunk the shell read. Not one we asked for (stale, from a stopped transfer): ignored.
    // The wrong length (the file changed on disk): an error; the caller fails the transfer.
    Result<bool> on_read(int pick, int file, std::uint64_t offset, std::string_view bytes, Out& out);

    std::uint64_t buffered_estimate() const { return buffered_; }
    std::uint64_t reading_bytes() const { return reading_; }
    std::size_t reads_in_flight() const;

private:
    struct Read {
        std::uint32_t file = 0;
        std::uint64_t offset = 0;
        std::uint32_t length = 0;
        bool arrived = false;
        std::string bytes;  // only for a read that arrived ahead of an earlier one
    };
    void issue_reads(Out& out);
    void send_ready(Out& out);
    void send_chunk(std::string_view bytes, Out& out);
    void send_file_end(Out& out);
    void send_block_sum(Out& out);  // v2: after a block's last chunk

    int pc_;
    int channel_;
    std::uint64_t chunk_bytes_ = 0;
    OutgoingTransfer* transfer_ = nullptr;
    std::uint32_t read_file_ = 0;
    std::uint64_t read_offset_ = 0;
    std::uint32_t send_file_ = 0;
    std::uint64_t send_offset_ = 0;
    std::deque<Read> reads_;       // issued and not yet sent, in file order
    std::uint64_t buffered_ = 0;   // last reported bufferedAmount + frames sent since
    std::uint64_t reading_ = 0;    // bytes of reads_
    Checksum hash_;
    BlockHash block_hash_;  // v2: the block being sent
};

}  // namespace peerline::transfer
