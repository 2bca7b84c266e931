#include "mime.hpp"

#include <cctype>
#include <string>

namespace peerline::server {

std::string_view mime_type(std::string_view path) {
    const auto slash = path.rfind('/');
    const auto dot = path.rfind('.');
    if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
        return "application/octet-stream";
    }
    std::string ext(path.substr(dot + 1));
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));

    struct Entry {
        std::string_view ext;
        std::string_view type;
    };
    static constexpr Entry kTable[] = {
        {"html", "text/html; charset=utf-8"},
        {"htm", "text/html; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"},   // RFC 9239: text/javascript for JS and modules
        {"mjs", "text/javascript; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},
        {"wasm", "application/wasm"},                // required by WebAssembly.instantiateStreaming
        {"json", "application/json"},
        {"map", "application/json"},
        {"webmanifest", "application/manifest+json"},
        {"svg", "image/svg+xml"},
        {"png", "image/png"},
        {"jpg", "image/jpeg"},
        {"jpeg", "image/jpeg"},
        {"gif", "image/gif"},
        {"webp", "image/webp"},
        {"ico", "image/x-icon"},
        {"woff2", "font/woff2"},
        {"woff", "font/woff"},
        {"txt", "text/plain; charset=utf-8"},
        {"opus", "audio/ogg"},                       // Ogg Opus voice messages (RFC 7845)
        {"ogg", "audio/ogg"},
        {"gz", "application/gzip"},
    };
    for (const auto& entry : kTable) {
        if (entry.ext == ext) return entry.type;
    }
    return "application/octet-stream";
}

}  // namespace peerline::server
