// Local files the user picked, kept under a pick number until the core releases them
// (received files: received_files.hpp).
#pragma once

#include <cstdint>
#include <string>

#include "js.hpp"

namespace peerline::browser::files {

// Keeps a FileList / File[] and tells the core: FilesChosen for `peer`.
void choose(const std::string& peer, const val& file_list);
void read_chunk(int pick, int file, std::uint64_t offset, std::uint32_t length);
void release(int pick);


}  // namespace peerline::browser::files
