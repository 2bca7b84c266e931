// Reads picked files front to back through File.stream(), serving the core's ReadFileChunk
// requests in order. Why not File.slice().arrayBuffer() per chunk: every slice is a new Blob the
// browser process must register, and reading 256 MiB that way cost 1.2-1.8 s of CPU here against
// 0.4 s through one stream (README "File transfer") - on a machine the transfer saturates, CPU
// taken from the data channel.
#pragma once

#include <cstdint>

#include "js.hpp"

namespace peerline::browser::file_streams {

// Queues a read of [offset, offset + length) of `file` (pick `pick`, index `file_index`);
// FileChunkRead or FileReadFailed follows. Reads are expected front to back; one elsewhere (a
// resumed transfer going back to its last proven block) cancels the file's stream, forgets what
// it still had to hand out, and streams the file's tail from there. False if the browser cannot
// stream the file (the caller reads it another way).
bool read(int pick, int file_index, const val& file, std::uint64_t offset, std::uint32_t length);

// The pick was released: its streams are cancelled.
void release(int pick);

}  // namespace peerline::browser::file_streams
