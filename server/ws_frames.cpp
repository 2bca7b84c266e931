#include "ws_frames.hpp"

#include <algorithm>
#include <cstring>

namespace peerline::ws {
namespace {

constexpr std::uint8_t kFin = 0x80;
constexpr std::uint8_t kReservedBits = 0x70;
constexpr std::uint8_t kMasked = 0x80;

void append_header(std::string& out, Opcode opcode, std::uint64_t size, bool masked) {
    char header[kMaxHeaderBytes - 4];
    std::size_t n = 0;
    header[n++] = static_cast<char>(kFin | static_cast<std::uint8_t>(opcode));
    const std::uint8_t mask_bit = masked ? kMasked : 0;
    if (size < 126) {
        header[n++] = static_cast<char>(mask_bit | size);
    } else if (size <= 0xFFFF) {
        header[n++] = static_cast<char>(mask_bit | 126);
        header[n++] = static_cast<char>(size >> 8);
        header[n++] = static_cast<char>(size);
    } else {
        header[n++] = static_cast<char>(mask_bit | 127);
        for (int shift = 56; shift >= 0; shift -= 8) header[n++] = static_cast<char>(size >> shift);
    }
    out.append(header, n);
}

// XOR with the 4-byte key, 8 bytes at a time: signaling messages are a few hundred bytes, voice
// messages up to 256 KiB, and the server unmasks every byte it receives.
void apply_mask(char* data, std::size_t size, const unsigned char key[4]) {
    unsigned char key8[8];
    for (int i = 0; i < 8; ++i) key8[i] = key[i % 4];
    std::uint64_t wide;
    std::memcpy(&wide, key8, 8);
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        std::uint64_t chunk;
        std::memcpy(&chunk, data + i, 8);
        chunk ^= wide;
        std::memcpy(data + i, &chunk, 8);
    }
    for (; i < size; ++i) data[i] = static_cast<char>(data[i] ^ key[i % 4]);
}

bool is_control(std::uint8_t opcode) { return (opcode & 0x8) != 0; }

// Codes a peer may put in a close frame (§7.4): the registered ones an endpoint may send, and
// the ranges for libraries (3000-3999) and applications (4000-4999).
bool is_valid_close_code(std::uint16_t code) {
    if (code >= 3000 && code <= 4999) return true;
    if (code < 1000 || code > 1014) return false;
    return code != 1004 && code != 1005 && code != 1006;
}

}  // namespace

void append_frame(std::string& out, Opcode opcode, std::string_view payload) {
    append_header(out, opcode, payload.size(), false);
    out.append(payload);
}

void append_masked_frame(std::string& out, Opcode opcode, std::string_view payload,
                         std::uint32_t mask_key) {
    append_header(out, opcode, payload.size(), true);
    const unsigned char key[4] = {static_cast<unsigned char>(mask_key >> 24),
                                  static_cast<unsigned char>(mask_key >> 16),
                                  static_cast<unsigned char>(mask_key >> 8),
                                  static_cast<unsigned char>(mask_key)};
    out.append(reinterpret_cast<const char*>(key), 4);
    const std::size_t at = out.size();
    out.append(payload);
    apply_mask(out.data() + at, payload.size(), key);
}

std::string close_payload(std::uint16_t code, std::string_view reason) {
    std::size_t keep = std::min(reason.size(), kMaxControlPayload - 2);
    // Do not cut a character in two: back off over continuation bytes (10xxxxxx).
    if (keep < reason.size()) {
        while (keep > 0 && (static_cast<unsigned char>(reason[keep]) & 0xC0) == 0x80) --keep;
    }
    std::string out;
    out.reserve(2 + keep);
    out.push_back(static_cast<char>(code >> 8));
    out.push_back(static_cast<char>(code));
    out.append(reason.substr(0, keep));
    return out;
}

bool is_valid_utf8(std::string_view text) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    while (p < end) {
        // ASCII runs, the common case, eight bytes at a time.
        while (end - p >= 8) {
            std::uint64_t chunk;
            std::memcpy(&chunk, p, 8);
            if (chunk & 0x8080808080808080ULL) break;
            p += 8;
        }
        if (p == end) break;
        const unsigned char c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        std::size_t extra;
        std::uint32_t min;
        std::uint32_t cp;
        if ((c & 0xE0) == 0xC0) {
            extra = 1, min = 0x80, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2, min = 0x800, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3, min = 0x10000, cp = c & 0x07;
        } else {
            return false;  // a continuation byte first, or 0xF8..0xFF
        }
        if (static_cast<std::size_t>(end - p) <= extra) return false;
        for (std::size_t i = 1; i <= extra; ++i) {
            if ((p[i] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        p += extra + 1;
    }
    return true;
}

std::size_t FrameReader::fail(Event& event, bool& has_event, std::uint16_t code, const char* what,
                              std::size_t size) {
    stopped_ = true;
    fragments_.clear();
    fragments_.shrink_to_fit();
    event = Event{};
    event.kind = Event::Kind::error;
    event.code = code;
    event.what = what;
    has_event = true;
    return size;
}

std::size_t FrameReader::next(char* data, std::size_t size, Event& event, bool& has_event) {
    if (stopped_) return size;
    if (skip_ > 0) {
        const auto used = static_cast<std::size_t>(std::min<std::uint64_t>(skip_, size));
        skip_ -= used;
        return used;
    }
    if (!in_message_ && !fragments_.empty()) {
        // The last call reported a message assembled here; its view is no longer needed.
        fragments_.clear();
        if (fragments_.capacity() > 64 * 1024) fragments_.shrink_to_fit();
    }
    if (size < 2) return 0;

    const auto* bytes = reinterpret_cast<const unsigned char*>(data);
    const bool fin = (bytes[0] & kFin) != 0;
    const std::uint8_t opcode = bytes[0] & 0x0F;
    const bool masked = (bytes[1] & kMasked) != 0;
    const std::uint8_t length7 = bytes[1] & 0x7F;
    std::size_t header = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (masked ? 4 : 0);
    if (size < header) return 0;

    if ((bytes[0] & kReservedBits) != 0) {
        return fail(event, has_event, close_code::protocol_error, "reserved bits set (no extension was agreed)", size);
    }
    if (role_ == Role::server && !masked) return fail(event, has_event, close_code::protocol_error, "unmasked client frame", size);
    if (role_ == Role::client && masked) return fail(event, has_event, close_code::protocol_error, "masked server frame", size);

    std::uint64_t length = length7;
    if (length7 == 126) {
        length = (std::uint64_t{bytes[2]} << 8) | bytes[3];
        if (length < 126) return fail(event, has_event, close_code::protocol_error, "length not in its shortest form", size);
    } else if (length7 == 127) {
        length = 0;
        for (int i = 0; i < 8; ++i) length = (length << 8) | bytes[2 + i];
        if (length >> 63) return fail(event, has_event, close_code::protocol_error, "length over 2^63", size);
        if (length <= 0xFFFF) return fail(event, has_event, close_code::protocol_error, "length not in its shortest form", size);
    }
    unsigned char key[4] = {0, 0, 0, 0};
    if (masked) std::memcpy(key, bytes + header - 4, 4);

    if (is_control(opcode)) {
        if (opcode != 0x8 && opcode != 0x9 && opcode != 0xA) {
            return fail(event, has_event, close_code::protocol_error, "unknown control opcode", size);
        }
        if (!fin) return fail(event, has_event, close_code::protocol_error, "fragmented control frame", size);
        if (length > kMaxControlPayload) return fail(event, has_event, close_code::protocol_error, "control frame over 125 bytes", size);
        if (size - header < length) return 0;
        char* payload = data + header;
        const auto n = static_cast<std::size_t>(length);
        if (masked) apply_mask(payload, n, key);
        event = Event{};
        if (opcode == 0x9) {
            event.kind = Event::Kind::ping;
            event.payload = std::string_view(payload, n);
        } else if (opcode == 0xA) {
            event.kind = Event::Kind::pong;
            event.payload = std::string_view(payload, n);
        } else {
            if (n == 1) return fail(event, has_event, close_code::protocol_error, "close frame of one byte", size);
            event.kind = Event::Kind::close;
            event.code = close_code::no_status;
            if (n >= 2) {
                event.code = static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                                        static_cast<unsigned char>(payload[1]));
                if (!is_valid_close_code(event.code)) {
                    return fail(event, has_event, close_code::protocol_error, "invalid close code", size);
                }
                event.payload = std::string_view(payload + 2, n - 2);
                if (!is_valid_utf8(event.payload)) {
                    return fail(event, has_event, close_code::bad_payload, "close reason not UTF-8", size);
                }
            }
            stopped_ = true;
        }
        has_event = true;
        return header + n;
    }

    if (opcode != 0x0 && opcode != 0x1 && opcode != 0x2) {
        return fail(event, has_event, close_code::protocol_error, "unknown data opcode", size);
    }
    if (discarding_) {  // closing after too_large: data is skipped as it arrives
        skip_ = length;
        return header;
    }
    if (opcode == 0x0 && !in_message_) {
        return fail(event, has_event, close_code::protocol_error, "continuation frame outside a message", size);
    }
    if (opcode != 0x0 && in_message_) {
        return fail(event, has_event, close_code::protocol_error, "new message inside a fragmented one", size);
    }
    const bool binary = in_message_ ? message_binary_ : opcode == 0x2;
    const std::size_t limit = binary ? limits_.max_binary_bytes : limits_.max_text_bytes;
    const std::uint64_t so_far = in_message_ ? fragments_.size() : 0;
    if (length > limit || so_far + length > limit) {
        discarding_ = true;
        in_message_ = false;
        fragments_.clear();
        fragments_.shrink_to_fit();
        skip_ = length;
        event = Event{};
        event.kind = Event::Kind::too_large;
        event.binary = binary;
        has_event = true;
        return header;
    }
    if (size - header < length) return 0;

    char* payload = data + header;
    const auto n = static_cast<std::size_t>(length);
    if (masked) apply_mask(payload, n, key);
    std::string_view message(payload, n);
    if (!fin || in_message_) {
        fragments_.append(payload, n);
        if (!fin) {
            in_message_ = true;
            message_binary_ = binary;
            return header + n;
        }
        in_message_ = false;
        message = fragments_;
    }
    if (!binary && !is_valid_utf8(message)) {
        return fail(event, has_event, close_code::bad_payload, "text message not UTF-8", size);
    }
    event = Event{};
    event.kind = Event::Kind::message;
    event.binary = binary;
    event.payload = message;
    has_event = true;
    return header + n;
}

}  // namespace peerline::ws
