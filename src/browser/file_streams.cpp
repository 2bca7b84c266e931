#include "file_streams.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <emscripten/bind.h>

#include "bytes.hpp"
#include "shell.hpp"

namespace peerline::browser::file_streams {
namespace {

// Bytes read ahead of the requests: the next read of the file is under way while the core is
// still framing and sending the chunks before it, so the channel never waits on the disk.
constexpr std::size_t kReadAheadBytes = 2 * 1024 * 1024;
// Bytes asked of one read where the stream lets us bring the buffer (a BYOB reader): reading
// into recycled 1 MiB buffers costs 0.81x the machine CPU of the default reader's fresh arrays
// (tools/bench/transfer/read_cost.mjs; docs/transfer.md "Limits").
constexpr std::size_t kReadBytes = 1024 * 1024;

struct Request {
    std::uint64_t offset;
    std::uint32_t length;
};

struct Stream {
    Stream(val stream_reader, bool brings_buffers, std::uint64_t start, int generation)
        : reader(std::move(stream_reader)), byob(brings_buffers), next_offset(start), generation(generation) {}

    val reader;                      // a reader of file.stream(), or of file.slice(start).stream()
    bool byob;                       // it reads into buffers we give it (else it makes its own)
    std::vector<val> spare_buffers;  // handed-out reads' ArrayBuffers, for the next reads
    std::uint64_t next_offset;       // where the next queued request must start
    // Which stream of this file it is: a read the previous one had pending may still resolve
    // after a restart, and must not hand its bytes to this one.
    int generation;
    // Read from the stream, not yet handed out: the reads' Uint8Arrays, kept in JS so each
    // byte is copied into Wasm once, straight into the chunk it belongs to.
    std::deque<val> ahead;
    std::size_t front_at = 0;        // bytes of ahead.front() already handed out
    std::size_t ahead_bytes = 0;
    std::deque<Request> requests;    // waiting for bytes, in file order
    bool reading = false;            // a read() is pending
    bool ended = false;              // the stream has no more bytes
};

std::map<std::pair<int, int>, Stream> streams;  // (pick, file) -> its stream
int generations = 0;

void fail(int pick, int file, const std::string& why) {
    streams.erase({pick, file});
    dispatch(FileReadFailed{pick, file, why});
}

// The next read of a BYOB reader, into a buffer an earlier read handed out (or a new one).
val read_into_spare_buffer(Stream& s) {
    val buffer = s.spare_buffers.empty() ? val::global("ArrayBuffer").new_(kReadBytes) : s.spare_buffers.back();
    if (!s.spare_buffers.empty()) s.spare_buffers.pop_back();
    val options = val::object();
    options.set("min", kReadBytes);  // whole buffers: fewer, larger reads (ignored where unknown)
    return s.reader.call<val>("read", val::global("Uint8Array").new_(buffer), options);
}

// Hands out every request the carried bytes can fill, then reads on while less than
// kReadAheadBytes are carried (that bounds what is held here).
void pump(int pick, int file) {
    auto found = streams.find({pick, file});
    if (found == streams.end()) return;
    Stream& s = found->second;
    while (!s.requests.empty() && s.ahead_bytes >= s.requests.front().length) {
        const Request r = s.requests.front();
        s.requests.pop_front();
        std::string chunk;
        chunk.reserve(r.length);
        while (chunk.size() < r.length) {
            const val& front = s.ahead.front();
            const auto size = front["length"].as<std::size_t>();
            const std::size_t take = std::min(size - s.front_at, r.length - chunk.size());
            bytes::append(chunk, front.call<val>("subarray", s.front_at, s.front_at + take));
            s.front_at += take;
            if (s.front_at == size) {
                if (s.byob) s.spare_buffers.push_back(front["buffer"]);
                s.ahead.pop_front();
                s.front_at = 0;
            }
        }
        s.ahead_bytes -= r.length;
        dispatch(FileChunkRead{pick, file, r.offset, std::move(chunk)});
        found = streams.find({pick, file});  // the core may have released the pick meanwhile
        if (found == streams.end()) return;
    }
    if (s.reading || s.ended || s.ahead_bytes >= kReadAheadBytes) return;
    s.reading = true;
    val read = s.byob ? read_into_spare_buffer(s) : s.reader.call<val>("read");
    read.call<void>("then", callback("onFileStreamRead", pick, file, s.generation),
                    callback("onFileStreamFailed", pick, file, s.generation));
}

void on_stream_read(int pick, int file, int generation, val result) {
    auto found = streams.find({pick, file});
    if (found == streams.end() || found->second.generation != generation) return;
    Stream& s = found->second;
    s.reading = false;
    // A BYOB read that meets the end brings its last bytes along with done.
    val value = result["value"];
    const std::size_t length = value.isUndefined() ? 0 : value["length"].as<std::size_t>();
    if (length > 0) {
        s.ahead_bytes += length;
        s.ahead.push_back(std::move(value));
    }
    if (result["done"].as<bool>()) s.ended = true;
    pump(pick, file);
    found = streams.find({pick, file});
    if (found != streams.end() && found->second.ended && !found->second.requests.empty()) {
        fail(pick, file, "the file ended early (was it changed since it was picked?)");
    }
}

void on_stream_failed(int pick, int file, int generation, val error) {
    auto found = streams.find({pick, file});
    if (found == streams.end() || found->second.generation != generation) return;
    fail(pick, file, describe(error));
}

// A stream of `file` from `start` on: the file's own stream, or its tail's (a Blob slice costs
// one registration, not one per chunk); false if the browser offers neither.
bool open(int pick, int file_index, const val& file, std::uint64_t start) {
    val from = file;
    if (start > 0) {
        Outcome tail = try_call(file, "slice", array_of(static_cast<double>(start)));
        if (!tail.ok) return false;
        from = tail.value;
    }
    Outcome stream = try_call(from, "stream", val::array());
    if (!stream.ok) return false;
    // A byte stream (as the File API now specifies) takes our buffers; older ones refuse.
    val byob_options = val::object();
    byob_options.set("mode", text("byob"));
    Outcome reader = try_call(stream.value, "getReader", array_of(byob_options));
    const bool byob = reader.ok;
    if (!byob) reader = try_call(stream.value, "getReader", val::array());
    if (!reader.ok) return false;
    streams.emplace(std::make_pair(pick, file_index), Stream(reader.value, byob, start, ++generations));
    return true;
}

// Cancels a stream and forgets its requests: the core asked for other bytes (a resumed transfer
// starts again at the receiver's last proven block), so nobody waits for these any more.
void cancel_stream(std::map<std::pair<int, int>, Stream>::iterator it) {
    // cancel() releases the file; its promise is not awaited (nothing to do either way).
    try_call(it->second.reader, "cancel", val::array());
    streams.erase(it);
}

}  // namespace

bool read(int pick, int file_index, const val& file, std::uint64_t offset, std::uint32_t length) {
    auto found = streams.find({pick, file_index});
    if (found != streams.end() && offset != found->second.next_offset) {
        cancel_stream(found);
        found = streams.end();
    }
    if (found == streams.end()) {
        if (!open(pick, file_index, file, offset)) return false;
        found = streams.find({pick, file_index});
    }
    Stream& s = found->second;
    s.next_offset = offset + length;
    s.requests.push_back({offset, length});
    pump(pick, file_index);
    return true;
}

void release(int pick) {
    for (auto it = streams.begin(); it != streams.end();) {
        if (it->first.first != pick) {
            ++it;
            continue;
        }
        cancel_stream(it++);
    }
}

EMSCRIPTEN_BINDINGS(peerline_file_streams) {
    emscripten::function("onFileStreamRead", &on_stream_read);
    emscripten::function("onFileStreamFailed", &on_stream_failed);
}

}  // namespace peerline::browser::file_streams
