#include "cluster_messages.hpp"

namespace peerline::server::cluster {
namespace {

// A field of a decoded payload: up to the next '\n'.
std::optional<std::string_view> take_line(std::string_view& rest) {
    const auto newline = rest.find('\n');
    if (newline == std::string_view::npos) return std::nullopt;
    const auto line = rest.substr(0, newline);
    rest.remove_prefix(newline + 1);
    return line;
}

bool printable(std::string_view text, std::size_t max) {
    if (text.size() > max) return false;
    for (char c : text) {
        if (c < 0x20 || c > 0x7e) return false;
    }
    return true;
}

const std::string* string_field(const nlohmann::json& json, const char* key) {
    auto it = json.find(key);
    return it != json.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

}  // namespace

bool valid_instance_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '.' || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

nlohmann::json member_json(const Placed& placed) {
    const auto& m = placed.member;
    return {{"id", m.peer.id}, {"name", m.peer.name}, {"device", m.peer.device},
            {"network", m.rooms.network}, {"invite", m.rooms.invite}, {"joined", placed.joined}};
}

std::optional<Placed> member_from_json(const nlohmann::json& json, const std::string& instance, std::string& error) {
    if (!json.is_object()) {
        error = "member is not an object";
        return std::nullopt;
    }
    const auto* id = string_field(json, "id");
    const auto* name = string_field(json, "name");
    const auto* device = string_field(json, "device");
    const auto* network = string_field(json, "network");
    const auto* invite = string_field(json, "invite");
    auto joined = json.find("joined");
    if (!id || !name || !device || !network || !invite || joined == json.end() || !joined->is_number_unsigned()) {
        error = "member lacks a field or has one of the wrong type";
        return std::nullopt;
    }
    // Ids, room keys and device kinds are the server's own; anything else is not ours.
    if (id->empty() || !printable(*id, 64) || !printable(*network, 128) || !printable(*invite, 128) ||
        !printable(*device, 16) || name->size() > 1024) {
        error = "member has a malformed field";
        return std::nullopt;
    }
    Placed placed;
    placed.member.peer = protocol::PeerInfo{*id, *name, *device};
    placed.member.rooms = Rooms{*network, *invite};
    placed.instance = instance;
    placed.joined = joined->get<std::uint64_t>();
    return placed;
}

std::string encode_delivery(const Delivery& d) {
    std::string out;
    out.reserve(8 + d.to.size() + d.sender_instance.size() + d.sender.network.size() + d.sender.invite.size() +
                d.frame.size());
    out += 'M';
    out += d.binary ? 'b' : 't';
    out.append(d.to).append(1, '\n');
    out.append(d.sender_instance).append(1, '\n');
    out.append(d.sender.network).append(1, '\n');
    out.append(d.sender.invite).append(1, '\n');
    out.append(d.frame);
    return out;
}

std::string encode_bounce(const Bounce& b) {
    std::string out = "U";
    out.append(b.ref).append(1, '\n').append(b.to);
    return out;
}

Decoded decode(std::string_view payload, std::string& error) {
    Decoded out;
    if (payload.size() >= 2 && payload[0] == 'M' && (payload[1] == 't' || payload[1] == 'b')) {
        Delivery d;
        d.binary = payload[1] == 'b';
        std::string_view rest = payload.substr(2);
        auto to = take_line(rest);
        auto instance = to ? take_line(rest) : std::nullopt;
        auto network = instance ? take_line(rest) : std::nullopt;
        auto invite = network ? take_line(rest) : std::nullopt;
        if (!invite || to->empty() || instance->empty()) {
            error = "delivery without its header lines";
            return out;
        }
        // The sender's instance names the channel a bounce goes to: only a well-formed id may.
        if (!valid_instance_id(*instance)) {
            error = "delivery from a malformed instance id";
            return out;
        }
        d.to = *to;
        d.sender_instance = *instance;
        d.sender = Rooms{std::string(*network), std::string(*invite)};
        d.frame = rest;
        out.delivery = d;
    } else if (!payload.empty() && payload[0] == 'U') {
        std::string_view rest = payload.substr(1);
        auto ref = take_line(rest);
        if (!ref || (*ref != "signal" && *ref != "binary") || rest.empty()) {
            error = "bounce without a ref and a peer";
            return out;
        }
        out.bounce = Bounce{*ref, rest};
    } else {
        error = "unknown kind of delivery payload";
    }
    return out;
}

std::string sender_of(std::string_view frame, bool binary) {
    if (binary) {
        auto parsed = protocol::parse_binary_frame(frame);
        if (!parsed) return {};
        const auto* from = string_field(parsed.value().header, "from");
        return from ? *from : std::string();
    }
    auto json = nlohmann::json::parse(frame.begin(), frame.end(), nullptr, false);
    if (!json.is_object()) return {};
    const auto* from = string_field(json, "from");
    return from ? *from : std::string();
}

std::string encode_presence(const Presence& p) {
    nlohmann::json json{{"k", std::string(1, p.kind)}, {"i", p.instance}};
    if (p.kind == 'J') {
        json["m"] = member_json(p.members.at(0));
        if (p.updated) json["u"] = true;
    } else if (p.kind == 'S') {
        auto& all = json["m"] = nlohmann::json::array();
        for (const auto& placed : p.members) all.push_back(member_json(placed));
    } else if (p.kind == 'L') {
        json["id"] = p.id;
    }
    return json.dump();
}

std::optional<Presence> decode_presence(std::string_view payload, std::string& error) {
    auto json = nlohmann::json::parse(payload.begin(), payload.end(), nullptr, false);
    const auto* kind = json.is_object() ? string_field(json, "k") : nullptr;
    const auto* instance = json.is_object() ? string_field(json, "i") : nullptr;
    if (!kind || kind->size() != 1 || !instance || !valid_instance_id(*instance)) {
        error = "presence message without a kind or instance";
        return std::nullopt;
    }
    Presence p;
    p.kind = (*kind)[0];
    p.instance = *instance;
    switch (p.kind) {
        case 'J': {
            auto m = json.find("m");
            if (m == json.end()) break;
            auto placed = member_from_json(*m, p.instance, error);
            if (!placed) return std::nullopt;
            p.members.push_back(std::move(*placed));
            auto u = json.find("u");
            p.updated = u != json.end() && u->is_boolean() && u->get<bool>();
            return p;
        }
        case 'S': {
            auto m = json.find("m");
            if (m == json.end() || !m->is_array()) break;
            for (const auto& item : *m) {
                auto placed = member_from_json(item, p.instance, error);
                if (!placed) return std::nullopt;
                p.members.push_back(std::move(*placed));
            }
            return p;
        }
        case 'L': {
            const auto* id = string_field(json, "id");
            if (!id || id->empty()) break;
            p.id = *id;
            return p;
        }
        case 'X':
            return p;
        default:
            break;
    }
    error = "presence message of unknown kind or without its fields";
    return std::nullopt;
}

}  // namespace peerline::server::cluster
