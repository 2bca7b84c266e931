// QR codes of short texts (Debian's qrcodegen): for the terminal banner (the LAN URL) and as
// SVG for the page's invite link (`/qr.svg?text=…`), so the page needs no QR encoder of its own.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace peerline::server {

constexpr std::size_t kMaxQrTextBytes = 512;  // an invite link is ~80; this keeps codes scannable

// Half-block characters, two module rows per line; light is drawn, dark left blank.
std::string qr_terminal(const std::string& text);
// A standalone SVG (one path of dark modules on white, 4-module quiet zone), or nothing when the
// text is empty or longer than kMaxQrTextBytes.
std::optional<std::string> qr_svg(std::string_view text);

// The value of `key` in a request target's query string, percent- and '+'-decoded; nothing if
// absent or malformed.
std::optional<std::string> query_value(std::string_view target, std::string_view key);

}  // namespace peerline::server
