// The signaling wire protocol (docs/protocol.md) as typed messages, shared by the server and the
// Wasm client so both ends speak one definition. JSON text frames over one WebSocket.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "result.hpp"

namespace peerline::protocol {

constexpr int kVersion = 1;
constexpr std::size_t kMaxNameBytes = 64;
constexpr std::size_t kMaxTextFrameBytes = 64 * 1024;
constexpr std::size_t kMaxBinaryFrameBytes = 256 * 1024;
constexpr std::size_t kMaxBinaryHeaderBytes = 1024;  // the JSON header inside a binary frame

// Error codes sent in `error` frames. Stable strings: clients switch on them.
namespace code {
inline constexpr const char* kBadJson = "bad-json";          // not JSON, or not an object
inline constexpr const char* kBadMessage = "bad-message";    // a field missing or of wrong type
inline constexpr const char* kUnknownType = "unknown-type";  // `type` not in this version
inline constexpr const char* kUnknownPeer = "unknown-peer";  // signal to an id not online
inline constexpr const char* kNotReady = "not-ready";        // message before `hello`
inline constexpr const char* kTooLarge = "too-large";        // frame over the size limit
inline constexpr const char* kBadFrame = "bad-frame";        // malformed binary frame header
inline constexpr const char* kBadRoom = "bad-room";          // invite room id not >=128-bit random
inline constexpr const char* kBadResume = "bad-resume";      // resume token forged or malformed
inline constexpr const char* kRateLimited = "rate-limited";  // over the message rate; dropped
inline constexpr const char* kTooManyConnections = "too-many-connections";  // per address
inline constexpr const char* kOriginNotAllowed = "origin-not-allowed";  // cross-site page
inline constexpr const char* kHelloTimeout = "hello-timeout";  // no `hello` in time
inline constexpr const char* kAbuse = "abuse";               // too many errors: closing 1008
inline constexpr const char* kReplaced = "replaced";         // the id was resumed elsewhere
}  // namespace code

// Which room a roster entry shares with the recipient (docs/protocol.md "Rooms").
namespace via {
inline constexpr const char* kNetwork = "network";  // same public address (IPv4 /32, IPv6 /64)
inline constexpr const char* kInvite = "invite";    // same invite room id
}  // namespace via

// Structs that grew fields in v1 have constructors with defaults, so brace-initialization
// written for the older field lists still compiles cleanly (-Wmissing-field-initializers).
struct PeerInfo {
    PeerInfo(std::string id_ = {}, std::string name_ = {}, std::string device_ = {},
             std::vector<std::string> via_ = {})
        : id(std::move(id_)), name(std::move(name_)), device(std::move(device_)), via(std::move(via_)) {}
    std::string id;
    std::string name;
    std::string device;  // "desktop" | "mobile" | "tablet" | "unknown"
    std::vector<std::string> via;  // rooms shared with the recipient: via::kNetwork, kInvite
};

// ---- client → server ------------------------------------------------------------------------

struct Hello {
    Hello(std::string name_ = {}, std::string device_ = {}, std::string room_ = {},
          std::string resume_ = {})
        : name(std::move(name_)), device(std::move(device_)), room(std::move(room_)),
          resume(std::move(resume_)) {}
    std::string name;
    std::string device;
    std::string room;    // optional invite room id (is_valid_room), empty = network room only
    std::string resume;  // optional resume token from an earlier welcome
};

// Change this client's display name; others get `peer-updated`.
struct Rename {
    std::string name;
};

struct SignalTo {
    std::string to;
    nlohmann::json data;  // opaque to the server; an object (see signal.hpp)
};

using ClientMessage = std::variant<Hello, SignalTo, Rename>;

// ---- server → client ------------------------------------------------------------------------

struct Welcome {
    Welcome(std::string id_ = {}, std::vector<PeerInfo> peers_ = {},
            nlohmann::json ice_servers_ = nlohmann::json::array(), std::string resume_ = {},
            nlohmann::json limits_ = nlohmann::json::object())
        : id(std::move(id_)), peers(std::move(peers_)), ice_servers(std::move(ice_servers_)),
          resume(std::move(resume_)), limits(std::move(limits_)) {}
    std::string id;
    std::vector<PeerInfo> peers;   // everyone else online, in join order
    nlohmann::json ice_servers;    // RTCIceServer[] for RTCPeerConnection
    std::string resume;            // token for hello.resume to reclaim `id` later
    nlohmann::json limits;         // object: the server's limits (docs/protocol.md)
};

// `peer-joined`, or `peer-updated` when `updated` is set (a known peer's name or rooms changed).
// One struct for both so existing visitors of ServerMessage keep compiling; a client that
// already lists the peer replaces its entry.
struct PeerJoined {
    PeerJoined(PeerInfo peer_ = {}, bool updated_ = false) : peer(std::move(peer_)), updated(updated_) {}
    PeerInfo peer;
    bool updated;
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

// ---- the relay's fast path -------------------------------------------------------------------
// The server relays `signal` at volume and never looks inside `data`, so it need not build a DOM
// of it and serialize it again: it validates the text in one pass and splices the original
// bytes of `data` into the outgoing frame (byte for byte, whatever the sender's formatting).
struct SignalSpan {
    std::string_view to;    // the target id, verbatim (the fast path declines escaped ones)
    std::string_view data;  // the raw text of the `data` object, validated JSON
};

// The `signal` in `text` if parse_client_message would accept it as one with this same `to`
// and an equal `data`. Nothing for anything else: other types, every error, and the rare forms
// the fast path leaves to the full parser (escapes in keys or in `to`, a repeated key, more than
// 8 top-level members, a byte-order mark). Never accepts what parse_client_message refuses.
std::optional<SignalSpan> peek_signal(std::string_view text);

// `{"type":"signal","from":FROM,"data":DATA}`: the frame the server relays, `data` spliced in
// unchanged. `data` must be what peek_signal returned.
std::string signal_frame(std::string_view from, std::string_view data);

// Serializes JSON without throwing: invalid UTF-8 is replaced, not an exception.
std::string dump_json(const nlohmann::json& value);

// Names are trimmed, capped to kMaxNameBytes on a UTF-8 boundary, and never empty.
std::string sanitize_name(std::string_view name);
std::string sanitize_device(std::string_view device);

// An invite room id must carry >= 128 random bits: 22-64 characters of base64url
// ([A-Za-z0-9_-]); one made only of hex digits needs >= 32 of them.
bool is_valid_room(std::string_view room);

// ---- binary frames ---------------------------------------------------------------------------
// A binary message is [2-byte big-endian header length N][N bytes: JSON object][payload].
// Client -> server header: {"to": ID, ...}; the server relays it to ID with the header's `to`
// removed and `from` stamped: {"from": ID, ...}. Payload bytes are relayed untouched.
struct BinaryFrame {
    nlohmann::json header;  // an object
    std::string_view payload;
};

Result<BinaryFrame> parse_binary_frame(std::string_view frame);
std::string make_binary_frame(const nlohmann::json& header, std::string_view payload);

}  // namespace peerline::protocol
