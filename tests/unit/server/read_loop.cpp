#include "read_loop.hpp"

#include <algorithm>

#include <catch2/catch.hpp>

namespace peerline::ws::test {
namespace {

SeenEvent make(Event::Kind kind, bool binary, std::string_view payload, std::uint16_t code) {
    SeenEvent event;
    event.kind = kind;
    event.binary = binary;
    event.payload = std::string(payload);
    event.code = code;
    return event;
}

const char* name_of(Event::Kind kind) {
    switch (kind) {
        case Event::Kind::message: return "message";
        case Event::Kind::ping: return "ping";
        case Event::Kind::pong: return "pong";
        case Event::Kind::close: return "close";
        case Event::Kind::too_large: return "too_large";
        case Event::Kind::error: return "error";
    }
    return "?";
}

}  // namespace

bool operator==(const SeenEvent& a, const SeenEvent& b) {
    return a.kind == b.kind && a.binary == b.binary && a.payload == b.payload && a.code == b.code;
}

std::ostream& operator<<(std::ostream& out, const SeenEvent& event) {
    out << "{" << name_of(event.kind) << (event.binary ? " binary" : "");
    if (event.code != 0) out << " code " << event.code;
    // Payloads run to 300 kB: a failure shows their size and start.
    out << " " << event.payload.size() << " bytes \"" << event.payload.substr(0, 32)
        << (event.payload.size() > 32 ? "..." : "") << "\"";
    if (!event.what.empty()) out << " (" << event.what << ")";
    return out << "}";
}

SeenEvent text_message(std::string_view text) { return make(Event::Kind::message, false, text, 0); }
SeenEvent binary_message(std::string_view bytes) { return make(Event::Kind::message, true, bytes, 0); }
SeenEvent ping(std::string_view payload) { return make(Event::Kind::ping, false, payload, 0); }
SeenEvent pong(std::string_view payload) { return make(Event::Kind::pong, false, payload, 0); }
SeenEvent closed_with(std::uint16_t code, std::string_view reason) { return make(Event::Kind::close, false, reason, code); }
SeenEvent too_large(bool binary) { return make(Event::Kind::too_large, binary, {}, 0); }
SeenEvent failed_with(std::uint16_t code) { return make(Event::Kind::error, false, {}, code); }

Events ReadLoop::arrive(std::string_view bytes) {
    pending_.append(bytes);
    Events seen;
    std::size_t at = 0;
    for (;;) {
        Event event;
        bool has_event = false;
        const std::size_t available = pending_.size() - at;
        const std::size_t used = reader_.next(pending_.data() + at, available, event, has_event);
        REQUIRE(used <= available);
        if (has_event) {
            SeenEvent copy = make(event.kind, event.binary, event.payload, event.code);
            copy.what = event.what;
            seen.push_back(std::move(copy));
        }
        // 0 means "keep the bytes, call again with more": an event with it would be lost.
        if (used == 0) {
            REQUIRE_FALSE(has_event);
            break;
        }
        at += used;
    }
    pending_.erase(0, at);
    return seen;
}

Events ReadLoop::arrive_in_pieces(std::string_view bytes, std::size_t piece) {
    Events seen;
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
        for (auto& event : arrive(bytes.substr(at, std::min(piece, bytes.size() - at)))) {
            seen.push_back(std::move(event));
        }
    }
    return seen;
}

Events read_all(Role role, std::string_view bytes, MessageLimits limits) {
    ReadLoop loop(role, limits);
    return loop.arrive(bytes);
}

}  // namespace peerline::ws::test
