#include "files.hpp"

#include <map>
#include <utility>
#include <vector>

#include <emscripten/bind.h>

#include "bytes.hpp"
#include "file_streams.hpp"
#include "shell.hpp"

namespace peerline::browser::files {
namespace {

std::map<int, std::vector<val>> picks;  // pick -> File objects
int next_pick = 0;

void on_read(int pick, int file, double offset, val buffer) {
    if (!picks.count(pick)) return;
    dispatch(FileChunkRead{pick, file, static_cast<std::uint64_t>(offset), bytes::from_array_buffer(buffer)});
}

void on_read_failed(int pick, int file, val error) {
    if (!picks.count(pick)) return;
    dispatch(FileReadFailed{pick, file, describe(error)});
}

}  // namespace

void choose(const std::string& peer, const val& file_list) {
    const int count = file_list["length"].as<int>();
    if (count <= 0) return;
    const int pick = ++next_pick;
    std::vector<val> kept;
    std::vector<FileMeta> meta;
    for (int i = 0; i < count; ++i) {
        val file = file_list[i];
        kept.push_back(file);
        meta.push_back(FileMeta{file["name"].as<std::string>(),
                                static_cast<std::uint64_t>(file["size"].as<double>()),
                                file["type"].as<std::string>()});
    }
    picks[pick] = std::move(kept);
    dispatch(FilesChosen{peer, pick, std::move(meta)});
}

void read_chunk(int pick, int file, std::uint64_t offset, std::uint32_t length) {
    auto found = picks.find(pick);
    if (found == picks.end() || file < 0 || file >= static_cast<int>(found->second.size())) {
        dispatch(FileReadFailed{pick, file, "the file is no longer available"});
        return;
    }
    if (file_streams::read(pick, file, found->second[file], offset, length)) return;
    // No stream of this file in this browser: a slice of its own per chunk.
    const double start = static_cast<double>(offset);
    Outcome slice = try_call(found->second[file], "slice", array_of(start, start + length));
    if (!slice.ok) return dispatch(FileReadFailed{pick, file, slice.error});
    Outcome read = try_call(slice.value, "arrayBuffer", val::array());
    if (!read.ok) return dispatch(FileReadFailed{pick, file, read.error});
    read.value.call<void>("then", callback("onFileRead", pick, file, start),
                          callback("onFileReadFailed", pick, file));
}

void release(int pick) {
    picks.erase(pick);
    file_streams::release(pick);
}

EMSCRIPTEN_BINDINGS(peerline_files) {
    emscripten::function("onFileRead", &on_read);
    emscripten::function("onFileReadFailed", &on_read_failed);
}

}  // namespace peerline::browser::files
