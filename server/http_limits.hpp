// Size limits of an HTTP request and the status that names which one was passed: a request
// line (the URL) longer than kMaxTargetBytes is 414 URI Too Long (RFC 9110 §15.5.15); a header
// block past the parser's limit otherwise is 431 (RFC 6585 §5).
#pragma once

#include <cstddef>
#include <string_view>

#include "net.hpp"

namespace peerline::server {

constexpr std::size_t kMaxHeaderBytes = 16 * 1024;  // request line + header fields
constexpr std::size_t kMaxTargetBytes = 8 * 1024;   // the URL alone; page URLs are < 200 bytes

// For a request whose head passed kMaxHeaderBytes. The parser sets the target once it has read
// the whole request line: none means the line alone was too long.
inline http::status oversized_head_status(std::string_view target_so_far) {
    return target_so_far.empty() || target_so_far.size() > kMaxTargetBytes
               ? http::status::uri_too_long
               : http::status::request_header_fields_too_large;
}

}  // namespace peerline::server
