// Hard caps on what the SDP parser accepts, so that any byte string costs bounded memory and
// time. A real two-party Peerline description is ~7 KB, ~160 lines, 3 sections, 23 formats.
#pragma once

#include <cstddef>

namespace peerline::sdp {

// Matches the signaling layer's kMaxSdpBytes (signal.hpp): a description larger than this
// could not have arrived through the server anyway.
constexpr std::size_t kMaxDescriptionBytes = 48 * 1024;
constexpr std::size_t kMaxLines = 2048;
constexpr std::size_t kMaxLineBytes = 4096;
constexpr std::size_t kMaxMediaSections = 64;
constexpr std::size_t kMaxFormatsPerSection = 128;  // RTP payload types are 0-127 anyway
constexpr std::size_t kMaxCandidateBytes = 1024;
constexpr std::size_t kMaxCandidateExtensions = 16;

}  // namespace peerline::sdp
