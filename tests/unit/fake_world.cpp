#include "fake_world.hpp"

#include <stdexcept>

#include "protocol.hpp"

namespace peerline::testing {

namespace proto = peerline::protocol;

int FakeWorld::join(const std::string& name, Options options) {
    Client c;
    c.app = std::make_unique<App>(AppConfig{name, "desktop"});
    c.options = options;
    c.id = "id-" + std::to_string(clients_.size() + 1);
    clients_.push_back(std::move(c));
    const int index = static_cast<int>(clients_.size()) - 1;
    send(index, ServerOpened{});
    return index;
}

void FakeWorld::leave(int client) {
    auto& c = clients_.at(client);
    c.connected = false;
    for (std::size_t i = 0; i < clients_.size(); ++i) {
        if (static_cast<int>(i) != client && clients_[i].connected && clients_[i].said_hello) {
            deliver(static_cast<int>(i), proto::serialize(proto::ServerMessage{proto::PeerLeft{c.id}}));
        }
    }
    run();
}

void FakeWorld::send(int client, Event event) {
    queue_.emplace_back(client, std::move(event));
    run();
}

void FakeWorld::run() {
    // Bounded: a core that ping-pongs forever fails the test instead of hanging it.
    for (int steps = 0; !queue_.empty(); ++steps) {
        if (steps > 10000) throw std::runtime_error("fake world did not settle");
        auto [client, event] = std::move(queue_.front());
        queue_.pop_front();
        if (!clients_.at(client).connected) continue;
        for (const auto& action : clients_[client].app->handle(event)) {
            clients_[client].log.push_back(action);
            execute(client, action);
        }
    }
}

void FakeWorld::fire_timers(int client) {
    auto timers = clients_.at(client).timers;
    clients_[client].timers.clear();
    for (int t : timers) queue_.emplace_back(client, TimerFired{t});
    run();
}

void FakeWorld::release_media(int client) {
    if (!clients_.at(client).media_held) return;
    clients_[client].media_held = false;
    send(client, MediaReady{});
}

void FakeWorld::server_says(int client, const std::string& text) { send(client, ServerText{text}); }

const View& FakeWorld::view(int client) const { return clients_.at(client).app->view(); }
const std::string& FakeWorld::id(int client) const { return clients_.at(client).id; }
const std::vector<Action>& FakeWorld::log(int client) const { return clients_.at(client).log; }

int FakeWorld::client_by_id(const std::string& id) const {
    for (std::size_t i = 0; i < clients_.size(); ++i) {
        if (clients_[i].id == id && clients_[i].connected && clients_[i].said_hello) return static_cast<int>(i);
    }
    return -1;
}

void FakeWorld::deliver(int client, const std::string& text) { queue_.emplace_back(client, ServerText{text}); }

// The relay: the same protocol code the server uses, in memory.
void FakeWorld::relay(int from, const std::string& text) {
    auto& sender = clients_.at(from);
    auto message = proto::parse_client_message(text);
    if (!message) {
        deliver(from, proto::serialize(proto::ServerMessage{
                          proto::ErrorMessage{message.error().code, message.error().message, ""}}));
        return;
    }
    if (const auto* hello = std::get_if<proto::Hello>(&message.value())) {
        proto::Welcome welcome{sender.id, {}, nlohmann::json::array()};
        for (std::size_t i = 0; i < clients_.size(); ++i) {
            auto& other = clients_[i];
            if (static_cast<int>(i) == from || !other.connected || !other.said_hello) continue;
            welcome.peers.push_back({other.id, other.app->view().self_name, "desktop"});
            deliver(static_cast<int>(i), proto::serialize(proto::ServerMessage{
                                             proto::PeerJoined{{sender.id, hello->name, hello->device}}}));
        }
        sender.said_hello = true;
        deliver(from, proto::serialize(proto::ServerMessage{welcome}));
        return;
    }
    const auto& signal = std::get<proto::SignalTo>(message.value());
    const int to = client_by_id(signal.to);
    if (to < 0) {
        deliver(from, proto::serialize(proto::ServerMessage{
                          proto::ErrorMessage{proto::code::kUnknownPeer, "no such peer", "signal"}}));
        return;
    }
    deliver(to, proto::serialize(proto::ServerMessage{proto::SignalFrom{sender.id, signal.data}}));
}

void FakeWorld::maybe_connect(int client, int pc_id) {
    auto& c = clients_[client];
    auto& pc = c.pcs[pc_id];
    if (!c.options.pcs_connect || pc.connected || pc.closed) return;
    if (pc.local_set && pc.remote_set && pc.remote_candidates > 0) {
        pc.connected = true;
        queue_.emplace_back(client, PcStateChanged{pc_id, "connected"});
        queue_.emplace_back(client, RemoteTrackAdded{pc_id, "video"});
    }
}

void FakeWorld::execute(int client, const Action& action) {
    auto& c = clients_[client];
    const std::string who = c.app->view().self_name;
    std::visit(
        [&](const auto& a) {
            using A = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<A, SendToServer>) {
                relay(client, a.text);
            } else if constexpr (std::is_same_v<A, RequestMedia>) {
                if (c.options.media_fails) {
                    queue_.emplace_back(client, MediaFailed{"NotAllowedError: denied"});
                } else if (c.options.media_is_slow) {
                    c.media_held = true;
                } else {
                    queue_.emplace_back(client, MediaReady{});
                }
            } else if constexpr (std::is_same_v<A, CreatePeerConnection>) {
                c.pcs[a.pc] = FakePc{};
            } else if constexpr (std::is_same_v<A, CreateOffer>) {
                queue_.emplace_back(client, LocalDescriptionCreated{a.pc, "offer", "v=0 offer by " + who});
            } else if constexpr (std::is_same_v<A, CreateAnswer>) {
                queue_.emplace_back(client, LocalDescriptionCreated{a.pc, "answer", "v=0 answer by " + who});
            } else if constexpr (std::is_same_v<A, SetLocalDescription>) {
                c.pcs[a.pc].local_set = true;
                queue_.emplace_back(client, LocalCandidate{a.pc, "candidate:1 1 udp 1 127.0.0.1 5000 typ host", "0", 0});
                queue_.emplace_back(client, LocalCandidate{a.pc, "", "", 0});  // end of candidates
                maybe_connect(client, a.pc);
            } else if constexpr (std::is_same_v<A, SetRemoteDescription>) {
                c.pcs[a.pc].remote_set = true;
                queue_.emplace_back(client, RemoteDescriptionSet{a.pc});
                maybe_connect(client, a.pc);
            } else if constexpr (std::is_same_v<A, AddIceCandidate>) {
                auto& pc = c.pcs[a.pc];
                // A real browser refuses candidates before the remote description.
                if (!pc.remote_set) throw std::logic_error(who + " added a candidate before the remote description");
                ++pc.remote_candidates;
                maybe_connect(client, a.pc);
            } else if constexpr (std::is_same_v<A, ClosePeerConnection>) {
                c.pcs[a.pc].closed = true;
            } else if constexpr (std::is_same_v<A, StartTimer>) {
                c.timers.insert(a.timer);
            } else if constexpr (std::is_same_v<A, CancelTimer>) {
                c.timers.erase(a.timer);
            }
            // AddLocalTracks, StopMedia, Render: nothing to answer.
        },
        action);
}

}  // namespace peerline::testing
