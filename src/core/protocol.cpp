#include "protocol.hpp"
#include "json_depth.hpp"

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

Result<json> parse_object(std::string_view text) {
    if (text.size() > kMaxTextFrameBytes) {
        return make_error(code::kTooLarge, "message larger than " +
                                               std::to_string(kMaxTextFrameBytes) + " bytes");
    }
    if (json_nests_deeper_than(text, kMaxJsonDepth)) {
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
    PeerInfo peer{*id, *name, *device, {}};
    auto via = value.find("via");
    if (via != value.end() && via->is_array()) {
        for (const auto& v : *via) {
            if (v.is_string()) peer.via.push_back(v.get<std::string>());
        }
    }
    return peer;
}

json peer_json(const PeerInfo& peer) {
    json out{{"id", peer.id}, {"name", peer.name}, {"device", peer.device}};
    if (!peer.via.empty()) out["via"] = peer.via;
    return out;
}

struct ClientToJson {
    json operator()(const Hello& m) const {
        json out{{"type", "hello"}, {"v", kVersion}, {"name", m.name}, {"device", m.device}};
        if (!m.room.empty()) out["room"] = m.room;
        if (!m.resume.empty()) out["resume"] = m.resume;
        return out;
    }
    json operator()(const Rename& m) const { return json{{"type", "rename"}, {"name", m.name}}; }
    json operator()(const SignalTo& m) const {
        return json{{"type", "signal"}, {"to", m.to}, {"data", m.data}};
    }
};

struct ServerToJson {
    json operator()(const Welcome& m) const {
        json peers = json::array();
        for (const auto& p : m.peers) peers.push_back(peer_json(p));
        json out{{"type", "welcome"},
                    {"v", kVersion},
                    {"id", m.id},
                    {"peers", std::move(peers)},
                    {"iceServers", m.ice_servers.is_array() ? m.ice_servers : json::array()}};
        if (!m.resume.empty()) out["resume"] = m.resume;
        if (m.limits.is_object()) out["limits"] = m.limits;
        return out;
    }
    json operator()(const PeerJoined& m) const {
        return json{{"type", m.updated ? "peer-updated" : "peer-joined"}, {"peer", peer_json(m.peer)}};
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
        Hello hello{sanitize_name(*name), sanitize_device(device.value_or("")), {}, {}};
        if (auto room = m.find("room"); room != m.end() && !room->is_null()) {
            if (!room->is_string() || !is_valid_room(room->get_ref<const std::string&>())) {
                return make_error(code::kBadRoom, "`room` must be 22-64 base64url characters "
                                                  "(>= 32 if only hex digits)");
            }
            hello.room = room->get<std::string>();
        }
        if (auto resume = m.find("resume"); resume != m.end() && !resume->is_null()) {
            if (!resume->is_string()) return missing("hello", "resume");
            hello.resume = resume->get<std::string>();
        }
        return ClientMessage{std::move(hello)};
    }
    if (type == "rename") {
        auto name = string_field(m, "name");
        if (!name) return missing("rename", "name");
        return ClientMessage{Rename{sanitize_name(*name)}};
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
        welcome.resume = string_field(m, "resume").value_or("");
        auto limits = m.find("limits");
        if (limits != m.end() && limits->is_object()) welcome.limits = *limits;
        return ServerMessage{std::move(welcome)};
    }
    if (type == "peer-joined" || type == "peer-updated") {
        auto peer = m.find("peer");
        if (peer == m.end()) return make_error(code::kBadMessage, "`" + type + "` needs peer");
        auto info = parse_peer(*peer);
        if (!info) return info.error();
        return ServerMessage{PeerJoined{std::move(info).value(), type == "peer-updated"}};
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

std::optional<SignalSpan> peek_signal(std::string_view text) {
    if (text.size() > kMaxTextFrameBytes) return std::nullopt;
    JsonMembers members;
    if (!scan_json_object(text, kMaxJsonDepth, members)) return std::nullopt;
    std::optional<std::string_view> type, to, data;
    for (std::size_t i = 0; i < members.count; ++i) {
        const auto& member = members.items[i];
        // An escaped key could spell one of ours ("t\u0079pe"); decoding is the full parser's job.
        if (member.key.find('\\') != std::string_view::npos) return std::nullopt;
        std::optional<std::string_view>* slot = member.key == "type" ? &type
                                                : member.key == "to"  ? &to
                                                : member.key == "data" ? &data
                                                                       : nullptr;
        if (!slot) continue;  // other members are ignored, as parse_client_message does
        if (*slot) return std::nullopt;  // repeated: which one counts is the full parser's call
        *slot = member.value;
    }
    if (!type || *type != "\"signal\"") return std::nullopt;
    if (!to || to->front() != '"' || to->find('\\') != std::string_view::npos) return std::nullopt;
    if (!data || data->front() != '{') return std::nullopt;
    return SignalSpan{to->substr(1, to->size() - 2), *data};
}

std::string signal_frame(std::string_view from, std::string_view data) {
    constexpr std::string_view head = R"({"type":"signal","from":)";
    constexpr std::string_view middle = R"(,"data":)";
    // Server-made ids are plain ASCII; anything else is quoted by the JSON serializer.
    const bool plain = std::all_of(from.begin(), from.end(), [](char c) {
        return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
    });
    const std::string quoted = plain ? std::string() : dump_json(json(std::string(from)));
    std::string out;
    out.reserve(head.size() + from.size() + 2 + middle.size() + data.size() + 1);
    out += head;
    if (plain) {
        out += '"';
        out += from;
        out += '"';
    } else {
        out += quoted;
    }
    out += middle;
    out += data;
    out += '}';
    return out;
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

bool is_valid_room(std::string_view room) {
    if (room.size() < 22 || room.size() > 64) return false;
    bool hex_only = true;
    for (char c : room) {
        const bool digit = c >= '0' && c <= '9';
        const bool lower = c >= 'a' && c <= 'z';
        const bool upper = c >= 'A' && c <= 'Z';
        if (!digit && !lower && !upper && c != '-' && c != '_') return false;
        if (!digit && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F')) hex_only = false;
    }
    return !hex_only || room.size() >= 32;
}

Result<BinaryFrame> parse_binary_frame(std::string_view frame) {
    if (frame.size() < 2) return make_error(code::kBadFrame, "binary frame shorter than its header length");
    const std::size_t length = (static_cast<unsigned char>(frame[0]) << 8) |
                               static_cast<unsigned char>(frame[1]);
    if (length == 0 || length > kMaxBinaryHeaderBytes || length > frame.size() - 2) {
        return make_error(code::kBadFrame, "binary frame header length must be 1-" +
                                               std::to_string(kMaxBinaryHeaderBytes) +
                                               " and fit in the frame");
    }
    const std::string_view text = frame.substr(2, length);
    if (json_nests_deeper_than(text, kMaxJsonDepth)) {
        return make_error(code::kBadFrame, "binary frame header nested too deep");
    }
    json header = json::parse(text.begin(), text.end(), nullptr, false);
    if (header.is_discarded() || !header.is_object()) {
        return make_error(code::kBadFrame, "binary frame header must be a JSON object");
    }
    return BinaryFrame{std::move(header), frame.substr(2 + length)};
}

std::string make_binary_frame(const nlohmann::json& header, std::string_view payload) {
    const std::string text = dump_json(header);
    std::string out;
    out.reserve(2 + text.size() + payload.size());
    out.push_back(static_cast<char>((text.size() >> 8) & 0xff));
    out.push_back(static_cast<char>(text.size() & 0xff));
    out += text;
    out += payload;
    return out;
}

}  // namespace peerline::protocol
