// Static files of the web build: GET/HEAD only, `/` -> index.html, MIME types, precompressed
// `.gz` siblings when the client accepts gzip, `/healthz`, `/qr.svg?text=` (qr_code.hpp). No path ever leaves the web root.
#pragma once

#include <filesystem>
#include <string>
#include <variant>

#include "net.hpp"

namespace peerline::server {

using Request = http::request<http::string_body>;

using Reply = std::variant<http::response<http::string_body>, http::response<http::file_body>,
                           http::response<http::empty_body>>;

// A short text reply (errors, /healthz). For HEAD the body is left out, its length kept.
http::response<http::string_body> text_reply(const Request& request, http::status status,
                                             std::string text);

class StaticSite {
public:
    explicit StaticSite(std::filesystem::path root);

    Reply respond(const Request& request) const;

    const std::filesystem::path& root() const { return root_; }

private:
    Reply qr_reply(const Request& request) const;

    std::filesystem::path root_;
};

// "/a%20b/c.js?x=1" -> "/a b/c.js"; empty if the target is malformed or escapes the root
// (a `..` segment, a backslash, a NUL, not starting with '/').
std::string safe_path(std::string_view target);

// The path part of a request target, without the query string.
std::string_view target_path(std::string_view target);

}  // namespace peerline::server
