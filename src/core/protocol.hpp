// The signaling wire protocol (docs/protocol.md) as typed messages, shared by the server and the
// Wasm client so both ends speak one definition. JSON text frames over one WebSocket.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "result.hpp"

namespace peerline::protocol {

constexpr int kVersion = 1;
constexpr std::size_t kMaxNameBytes = 64;
constexpr std::size_t kMaxTextFrameBytes = 64 * 1024;

// Error codes sent in `error` frames. Stable strings: clients switch on them.
namespace code {
inline constexpr const char* kBadJson = "bad-json";          // not JSON, or not an object
inline constexpr const char* kBadMessage = "bad-message";    // a field missing or of wrong type
inline constexpr const char* kUnknownType = "unknown-type";  // `type` not in this version
inline constexpr const char* kUnknownPeer = "unknown-peer";  // signal to an id not online
inline constexpr const char* kNotReady = "not-ready";        // message before `hello`
inline constexpr const char* kTooLarge = "too-large";        // frame over the size limit
inline constexpr const char* kBadFrame = "bad-frame";        // binary frame where text expected
}  // namespace code

struct PeerInfo {
    std::string id;
    std::string name;
    std::string device;  // "desktop" | "mobile" | "tablet" | "unknown"
};

// ---- client → server ------------------------------------------------------------------------

struct Hello {
    std::string name;
    std::string device;
};

struct SignalTo {
    std::string to;
    nlohmann::json data;  // opaque to the server; an object (see signal.hpp)
};

using ClientMessage = std::variant<Hello, SignalTo>;

// ---- server → client ------------------------------------------------------------------------

struct Welcome {
    std::string id;
    std::vector<PeerInfo> peers;   // everyone else online, in join order
    nlohmann::json ice_servers;    // RTCIceServer[] for RTCPeerConnection
};

struct PeerJoined {
    PeerInfo peer;
};

struct PeerLeft {
    std::string id;
};

struct SignalFrom {
    std::string from;  // stamped by the server, never taken from the sender
    nlohmann::json data;
};

struct ErrorMessage {
    std::string code;
    std::string message;
    std::string ref;  // the `type` of the message that caused it, if known
};

using ServerMessage = std::variant<Welcome, PeerJoined, PeerLeft, SignalFrom, ErrorMessage>;

// Parsing never throws: any input ends in a message or a typed Error whose code is one of
// `code::` above, ready to be sent back as an ErrorMessage.
Result<ClientMessage> parse_client_message(std::string_view text);
Result<ServerMessage> parse_server_message(std::string_view text);

std::string serialize(const ClientMessage& message);
std::string serialize(const ServerMessage& message);

// Serializes JSON without throwing: invalid UTF-8 is replaced, not an exception.
std::string dump_json(const nlohmann::json& value);

// Names are trimmed, capped to kMaxNameBytes on a UTF-8 boundary, and never empty.
std::string sanitize_name(std::string_view name);
std::string sanitize_device(std::string_view device);

}  // namespace peerline::protocol
