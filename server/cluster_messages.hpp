// What instances tell each other through Redis (docs/deploy.md "Many machines"), encoded and
// decoded in one place. Everything decoded comes from outside this process and is checked: a
// payload that does not parse is a typed error for the caller to count and log, never a crash.
//
// Delivery, on each instance's own channel `peerline:deliver:<instance>`, binary-safe:
//   'M' ('t'|'b') <to> '\n' <sender instance> '\n' <sender network> '\n' <sender invite> '\n' <frame>
//     a frame already stamped with `from`, for the peer `to` hosted there; the sender's rooms
//     travel with it so the receiving instance checks them again against its own peer.
//   'U' <ref> '\n' <to>
//     bounce: the message `to` sent (a `signal` or `binary`) found nobody; answer `unknown-peer`.
// Presence, on `peerline:presence` (JSON): {"k":"J","i":instance,"m":member} joined or updated,
//   {"k":"L","i":..,"id":..} left, {"k":"S","i":..,"m":[members]} everyone there now (after a
//   (re)connect), {"k":"X","i":..} the instance is shutting down.
// A member (also the value of field <id> in the hash `peerline:members:<instance>`):
//   {"id":..,"name":..,"device":..,"network":..,"invite":..,"joined":microseconds}
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "presence_index.hpp"

namespace peerline::server::cluster {

inline const std::string kPrefix = "peerline:";
inline const std::string kPresenceChannel = kPrefix + "presence";
inline const std::string kInstances = kPrefix + "instances";  // set of instance ids
inline std::string delivery_channel(const std::string& instance) { return kPrefix + "deliver:" + instance; }
inline std::string heartbeat_key(const std::string& instance) { return kPrefix + "instance:" + instance; }
inline std::string members_key(const std::string& instance) { return kPrefix + "members:" + instance; }

// Instance ids name Redis keys and channels: 1-64 of [A-Za-z0-9._-].
bool valid_instance_id(std::string_view id);

nlohmann::json member_json(const Placed& placed);
// A member of `instance`, or nothing (with `error`) if `json` is not one.
std::optional<Placed> member_from_json(const nlohmann::json& json, const std::string& instance, std::string& error);

struct Delivery {
    bool binary = false;
    std::string_view to;
    std::string_view sender_instance;
    Rooms sender;
    std::string_view frame;
};
std::string encode_delivery(const Delivery& delivery);

struct Bounce {
    std::string_view ref;  // "signal" | "binary"
    std::string_view to;   // the sender of the undeliverable message
};
std::string encode_bounce(const Bounce& bounce);

// One of the two, or nothing with `error`.
struct Decoded {
    std::optional<Delivery> delivery;
    std::optional<Bounce> bounce;
};
Decoded decode(std::string_view payload, std::string& error);

// The `from` a stamped frame carries (text: the JSON field; binary: its header's), or "".
std::string sender_of(std::string_view frame, bool binary);

struct Presence {
    char kind = 0;  // 'J', 'L', 'S', 'X'
    std::string instance;
    std::vector<Placed> members;  // J: one, S: all
    std::string id;               // L
    bool updated = false;         // J: a rename, not a join
};
std::string encode_presence(const Presence& presence);
std::optional<Presence> decode_presence(std::string_view payload, std::string& error);

}  // namespace peerline::server::cluster
