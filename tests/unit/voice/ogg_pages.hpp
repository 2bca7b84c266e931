// Taking an Ogg file apart page by page and putting it back, so tests can damage one page on
// purpose while keeping its CRC valid (the damage then reaches the Opus parsers, not just the
// Ogg checksum).
#pragma once

#include <string>
#include <vector>

namespace peerline::voice::test {

struct OggPage {
    std::string header;  // 27 bytes + segment table (RFC 3533 §6)
    std::string body;
};

std::vector<OggPage> split_pages(const std::string& file);
// Recomputes every page's CRC, then concatenates.
std::string join_pages(std::vector<OggPage> pages);

}  // namespace peerline::voice::test
