#include "fake_world.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "protocol.hpp"

namespace peerline::testing {

namespace proto = peerline::protocol;

std::string fixture(const std::string& relative_path) {
    std::string here = __FILE__;
    std::string root = here.substr(0, here.rfind("/unit/"));  // tests/
    std::ifstream in(root + "/fixtures/" + relative_path, std::ios::binary);
    if (!in) throw std::runtime_error("missing fixture " + relative_path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

int FakeWorld::join(const std::string& name, Options options) {
    Client c;
    c.app = std::make_unique<App>(AppConfig{name, "desktop", ""});
    c.options = options;
    c.name = name;
    c.id = "id-" + std::to_string(clients_.size() + 1);
    clients_.push_back(std::move(c));
    const int index = static_cast<int>(clients_.size()) - 1;
    send(index, AppStarted{});
    return index;
}

void FakeWorld::leave(int client) {
    auto& c = clients_.at(client);
    c.gone = true;
    c.socket_open = false;
    for (std::size_t i = 0; i < clients_.size(); ++i) {
        if (static_cast<int>(i) != client && clients_[i].socket_open && clients_[i].said_hello) {
            deliver(static_cast<int>(i), proto::serialize(proto::ServerMessage{proto::PeerLeft{c.id}}));
        }
    }
    run();
}

void FakeWorld::stop_server() {
    server_up_ = false;
    for (std::size_t i = 0; i < clients_.size(); ++i) {
        auto& c = clients_[i];
        if (!c.socket_open) continue;
        c.socket_open = false;
        c.said_hello = false;
        queue_.emplace_back(static_cast<int>(i), ServerClosed{});
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
        if (clients_.at(client).gone) continue;
        for (const auto& action : clients_[client].app->handle(event)) {
            clients_[client].log.push_back(action);
            execute(client, action);
        }
    }
}

bool FakeWorld::fire_timer(int client, int ms) {
    auto& timers = clients_.at(client).timers;
    for (auto it = timers.begin(); it != timers.end(); ++it) {
        if (it->second != ms) continue;
        const int timer = it->first;
        timers.erase(it);
        send(client, TimerFired{timer});
        return true;
    }
    return false;
}

void FakeWorld::release_media(int client) {
    if (!clients_.at(client).media_held) return;
    clients_[client].media_held = false;
    send(client, MediaReady{true, clients_[client].options.has_camera});
}

void FakeWorld::server_says(int client, const std::string& text) { send(client, ServerText{text}); }

void FakeWorld::set_pc_state(int client, const std::string& state) {
    auto& c = clients_.at(client);
    for (auto& [id, pc] : c.pcs) {
        if (pc.closed) continue;
        pc.connected = state == "connected";
        queue_.emplace_back(client, PcStateChanged{id, state});
    }
    run();
}

void FakeWorld::release_held() {
    hold_ = false;
    auto held = std::move(held_);
    held_.clear();
    for (auto& [from, text] : held) relay(from, text);
    run();
}

const View& FakeWorld::view(int client) const { return clients_.at(client).app->view(); }
const std::string& FakeWorld::id(int client) const { return clients_.at(client).id; }
const std::vector<Action>& FakeWorld::log(int client) const { return clients_.at(client).log; }

int FakeWorld::open_pcs(int client) const {
    int n = 0;
    for (const auto& [id, pc] : clients_.at(client).pcs) n += pc.closed ? 0 : 1;
    return n;
}

int FakeWorld::client_by_id(const std::string& id) const {
    for (std::size_t i = 0; i < clients_.size(); ++i) {
        if (clients_[i].id == id && clients_[i].socket_open && clients_[i].said_hello) return static_cast<int>(i);
    }
    return -1;
}

void FakeWorld::deliver(int client, const std::string& text) { queue_.emplace_back(client, ServerText{text}); }

// The relay: the same protocol code the server uses, in memory. A client keeps its id across
// reconnects, as the server's resume token allows.
void FakeWorld::relay(int from, const std::string& text) {
    if (hold_) {
        held_.emplace_back(from, text);
        return;
    }
    auto& sender = clients_.at(from);
    if (!sender.socket_open) return;
    auto message = proto::parse_client_message(text);
    if (!message) {
        deliver(from, proto::serialize(proto::ServerMessage{
                          proto::ErrorMessage{message.error().code, message.error().message, ""}}));
        return;
    }
    if (const auto* hello = std::get_if<proto::Hello>(&message.value())) {
        proto::Welcome welcome{sender.id, {}, nlohmann::json::array(), "token-" + sender.id};
        for (std::size_t i = 0; i < clients_.size(); ++i) {
            auto& other = clients_[i];
            if (static_cast<int>(i) == from || !other.socket_open || !other.said_hello) continue;
            welcome.peers.push_back({other.id, other.name, "desktop"});
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
    std::visit(
        [&](const auto& a) {
            using A = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<A, ConnectServer>) {
                if (!server_up_) {
                    queue_.emplace_back(client, ServerClosed{});
                    return;
                }
                c.socket_open = true;
                queue_.emplace_back(client, ServerOpened{});
            } else if constexpr (std::is_same_v<A, SendToServer>) {
                relay(client, a.text);
            } else if constexpr (std::is_same_v<A, RequestMedia>) {
                if (c.options.media_fails) {
                    queue_.emplace_back(client, MediaFailed{"NotAllowedError: denied"});
                } else if (c.options.media_is_slow) {
                    c.media_held = true;
                } else {
                    queue_.emplace_back(client, MediaReady{a.audio, a.video && c.options.has_camera});
                }
            } else if constexpr (std::is_same_v<A, CreatePeerConnection>) {
                c.pcs[a.pc] = FakePc{};
            } else if constexpr (std::is_same_v<A, CreateOffer>) {
                queue_.emplace_back(client, LocalDescriptionCreated{a.pc, "offer", fixture("sdp/chrome-audio-video-offer.sdp")});
            } else if constexpr (std::is_same_v<A, CreateAnswer>) {
                queue_.emplace_back(client, LocalDescriptionCreated{a.pc, "answer", fixture("sdp/chrome-audio-video-answer.sdp")});
            } else if constexpr (std::is_same_v<A, SetLocalDescription>) {
                c.pcs[a.pc].local_set = true;
                queue_.emplace_back(client, LocalDescriptionSet{a.pc});
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
                if (!pc.remote_set) throw std::logic_error(c.name + " added a candidate before the remote description");
                ++pc.remote_candidates;
                maybe_connect(client, a.pc);
            } else if constexpr (std::is_same_v<A, ClosePeerConnection>) {
                c.pcs[a.pc].closed = true;
            } else if constexpr (std::is_same_v<A, StartTimer>) {
                c.timers[a.timer] = a.ms;
            } else if constexpr (std::is_same_v<A, CancelTimer>) {
                c.timers.erase(a.timer);
            } else if constexpr (std::is_same_v<A, SwitchDevice>) {
                queue_.emplace_back(client, DeviceSwitched{a.kind, a.device_id, true, ""});
            }
            // The rest (tracks, codec preferences, stats, devices, Render) need no answer here.
        },
        action);
}

}  // namespace peerline::testing
