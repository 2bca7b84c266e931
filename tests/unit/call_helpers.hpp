// Small helpers shared by the call tests.
#pragma once

#include <algorithm>
#include <string>

#include "call.hpp"
#include "fake_world.hpp"
#include "protocol.hpp"

namespace peerline::testing {

// Position of the first action of type A in a client's log, or -1.
template <typename A>
long first_index(const FakeWorld& w, int client) {
    const auto& log = w.log(client);
    auto it = std::find_if(log.begin(), log.end(), [](const Action& a) { return std::holds_alternative<A>(a); });
    return it == log.end() ? -1 : static_cast<long>(it - log.begin());
}

inline void call(FakeWorld& w, int from, int to, bool video = true) { w.send(from, CallIntent{w.id(to), video}); }

// from calls to, to accepts: both connected.
inline void connect(FakeWorld& w, int from, int to, bool video = true) {
    call(w, from, to, video);
    w.send(to, AcceptIntent{true});
}

inline std::string signal_from(const FakeWorld& w, int client, nlohmann::json data) {
    return protocol::serialize(protocol::ServerMessage{protocol::SignalFrom{w.id(client), std::move(data)}});
}

// What the server says when `client`'s link drops, and when it is back (a resume says both).
inline std::string peer_left(const FakeWorld& w, int client) {
    return protocol::serialize(protocol::ServerMessage{protocol::PeerLeft{w.id(client)}});
}
inline std::string peer_joined(const FakeWorld& w, int client, const std::string& name) {
    return protocol::serialize(protocol::ServerMessage{protocol::PeerJoined{{w.id(client), name, "desktop"}}});
}

inline CallPhase phase(const FakeWorld& w, int client) { return w.view(client).call.phase; }
inline EndReason reason(const FakeWorld& w, int client) { return w.view(client).call.end_reason; }

}  // namespace peerline::testing
