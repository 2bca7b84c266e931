// Content-Type by file extension for the files the web build produces.
#pragma once

#include <string_view>

namespace peerline::server {

// `path` is a file name or path; unknown extensions are application/octet-stream.
std::string_view mime_type(std::string_view path);

}  // namespace peerline::server
