#include "protocol.hpp"

#include <algorithm>
#include <optional>

namespace peerline::protocol {
namespace {

using nlohmann::json;

// Field access that never throws: a missing or mistyped field is an absent optional.
std::optional<std::string> string_field(const json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

Error missing(const char* type, const char* field) {
    return make_error(code::kBadMessage,
                      std::string("`") + type + "` needs a string field `" + field + "`");
}

// Messages are a few levels deep. nlohmann parses deep nesting iteratively, but copying and
// dumping a value recurse once per level: 64 KiB of `[` is ~32k levels, enough to overflow a
// small (Wasm) stack when the server relays it to a peer. So nesting is capped before parsing.
constexpr int kMaxJsonDepth = 32;

// True if `text` nests arrays/objects deeper than `limit`. Brackets inside strings don't count.
bool nests_deeper_than(std::string_view text, int limit) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;  // skip the escaped character
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit) return true;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return false;
}

Result<json> parse_object(std::string_view text) {
    if (text.size() > kMaxTextFrameBytes) {
        return make_error(code::kTooLarge, "message larger than " +
                                               std::to_string(kMaxTextFrameBytes) + " bytes");
    }
    if (nests_deeper_than(text, kMaxJsonDepth)) {
        return make_error(code::kBadMessage, "message nested deeper than " +
                                                 std::to_string(kMaxJsonDepth) + " levels");
    }
    json parsed = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) return make_error(code::kBadJson, "message is not valid JSON");
    if (!parsed.is_object()) return make_error(code::kBadJson, "message must be a JSON object");
    if (!string_field(parsed, "type")) return missing("message", "type");
    return parsed;
}

Result<PeerInfo> parse_peer(const json& value) {
    if (!value.is_object()) return make_error(code::kBadMessage, "peer must be an object");
    auto id = string_field(value, "id");
    auto name = string_field(value, "name");
    auto device = string_field(value, "device");
    if (!id || !name || !device) return make_error(code::kBadMessage, "peer needs id, name, device");
    return PeerInfo{*id, *name, *device};
}

json peer_json(const PeerInfo& peer) {
    return json{{"id", peer.id}, {"name", peer.name}, {"device", peer.device}};
}

struct ClientToJson {
    json operator()(const Hello& m) const {
        return json{{"type", "hello"}, {"v", kVersion}, {"name", m.name}, {"device", m.device}};
    }
    json operator()(const SignalTo& m) const {
        return json{{"type", "signal"}, {"to", m.to}, {"data", m.data}};
    }
};

struct ServerToJson {
    json operator()(const Welcome& m) const {
        json peers = json::array();
        for (const auto& p : m.peers) peers.push_back(peer_json(p));
        return json{{"type", "welcome"},
                    {"v", kVersion},
                    {"id", m.id},
                    {"peers", std::move(peers)},
                    {"iceServers", m.ice_servers.is_array() ? m.ice_servers : json::array()}};
    }
    json operator()(const PeerJoined& m) const {
        return json{{"type", "peer-joined"}, {"peer", peer_json(m.peer)}};
    }
    json operator()(const PeerLeft& m) const { return json{{"type", "peer-left"}, {"id", m.id}}; }
    json operator()(const SignalFrom& m) const {
        return json{{"type", "signal"}, {"from", m.from}, {"data", m.data}};
    }
    json operator()(const ErrorMessage& m) const {
        json out{{"type", "error"}, {"code", m.code}, {"message", m.message}};
        if (!m.ref.empty()) out["ref"] = m.ref;
        return out;
    }
};

}  // namespace

std::string dump_json(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<ClientMessage> parse_client_message(std::string_view text) {
    auto parsed = parse_object(text);
    if (!parsed) return parsed.error();
    const json& m = parsed.value();
    const std::string type = *string_field(m, "type");

    if (type == "hello") {
        auto name = string_field(m, "name");
        if (!name) return missing("hello", "name");
        auto device = string_field(m, "device");
        return ClientMessage{Hello{sanitize_name(*name), sanitize_device(device.value_or(""))}};
    }
    if (type == "signal") {
        auto to = string_field(m, "to");
        if (!to) return missing("signal", "to");
        auto data = m.find("data");
        if (data == m.end() || !data->is_object()) {
            return make_error(code::kBadMessage, "`signal` needs an object field `data`");
        }
        return ClientMessage{SignalTo{*to, *data}};
    }
    return make_error(code::kUnknownType, "unknown message type `" + type + "`");
}

Result<ServerMessage> parse_server_message(std::string_view text) {
    auto parsed = parse_object(text);
    if (!parsed) return parsed.error();
    const json& m = parsed.value();
    const std::string type = *string_field(m, "type");

    if (type == "welcome") {
        auto id = string_field(m, "id");
        auto peers = m.find("peers");
        if (!id || peers == m.end() || !peers->is_array()) {
            return make_error(code::kBadMessage, "`welcome` needs id and peers");
        }
        Welcome welcome{*id, {}, json::array()};
        for (const auto& p : *peers) {
            auto peer = parse_peer(p);
            if (!peer) return peer.error();
            welcome.peers.push_back(std::move(peer).value());
        }
        auto ice = m.find("iceServers");
        if (ice != m.end() && ice->is_array()) welcome.ice_servers = *ice;
        return ServerMessage{std::move(welcome)};
    }
    if (type == "peer-joined") {
        auto peer = m.find("peer");
        if (peer == m.end()) return make_error(code::kBadMessage, "`peer-joined` needs peer");
        auto info = parse_peer(*peer);
        if (!info) return info.error();
        return ServerMessage{PeerJoined{std::move(info).value()}};
    }
    if (type == "peer-left") {
        auto id = string_field(m, "id");
        if (!id) return missing("peer-left", "id");
        return ServerMessage{PeerLeft{*id}};
    }
    if (type == "signal") {
        auto from = string_field(m, "from");
        auto data = m.find("data");
        if (!from || data == m.end() || !data->is_object()) {
            return make_error(code::kBadMessage, "`signal` needs from and an object data");
        }
        return ServerMessage{SignalFrom{*from, *data}};
    }
    if (type == "error") {
        auto error_code = string_field(m, "code");
        if (!error_code) return missing("error", "code");
        return ServerMessage{ErrorMessage{*error_code, string_field(m, "message").value_or(""),
                                          string_field(m, "ref").value_or("")}};
    }
    return make_error(code::kUnknownType, "unknown message type `" + type + "`");
}

std::string serialize(const ClientMessage& message) {
    return dump_json(std::visit(ClientToJson{}, message));
}

std::string serialize(const ServerMessage& message) {
    return dump_json(std::visit(ServerToJson{}, message));
}

std::string sanitize_name(std::string_view name) {
    // Trim ASCII whitespace and control characters at both ends.
    auto is_space = [](unsigned char c) { return c <= 0x20 || c == 0x7f; };
    while (!name.empty() && is_space(static_cast<unsigned char>(name.front()))) name.remove_prefix(1);
    while (!name.empty() && is_space(static_cast<unsigned char>(name.back()))) name.remove_suffix(1);

    std::string out;
    out.reserve(std::min(name.size(), kMaxNameBytes));
    for (unsigned char c : name) {
        if (c < 0x20 || c == 0x7f) continue;  // no control characters inside a name
        out.push_back(static_cast<char>(c));
    }
    if (out.size() > kMaxNameBytes) {
        std::size_t cut = kMaxNameBytes;
        // Step back over UTF-8 continuation bytes so the cut lands on a character boundary.
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
        out.resize(cut);
    }
    if (out.empty()) out = "Anonymous";
    return out;
}

std::string sanitize_device(std::string_view device) {
    for (const char* known : {"desktop", "mobile", "tablet"}) {
        if (device == known) return known;
    }
    return "unknown";
}

}  // namespace peerline::protocol
