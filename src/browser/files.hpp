// Local files the user picked (kept under a pick number until the core releases them) and
// received files being assembled (sinks), offered for saving once the core verified them.
#pragma once

#include <cstdint>
#include <string>

#include "js.hpp"

namespace peerline::browser::files {

// Keeps a FileList / File[] and tells the core: FilesChosen for `peer`.
void choose(const std::string& peer, const val& file_list);
void read_chunk(int pick, int file, std::uint64_t offset, std::uint32_t length);
void release(int pick);

void open_sink(const std::string& sink, const std::string& name, const std::string& mime);
void write_sink(const std::string& sink, const std::string& bytes);
void close_sink(const std::string& sink, bool keep);
// An object URL of a kept sink, or "" (the conversation panel links it for saving).
std::string saved_url(const std::string& sink);

}  // namespace peerline::browser::files
