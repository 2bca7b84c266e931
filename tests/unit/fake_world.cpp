// FakeWorld (fake_world.hpp): its clients, the in-memory relay between them, timers and the
// event loop; what its fake browser does with each Action is fake_world_shell.cpp.
#include "fake_world.hpp"

#include <algorithm>
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
    c.app = std::make_unique<App>(AppConfig{name, "desktop", "", /*verify_view_skips=*/true});
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
        clients_[client].signal_from = -1;
        if (const auto* text = std::get_if<ServerText>(&event)) {
            auto message = proto::parse_server_message(text->text);
            if (message) {
                if (const auto* signal = std::get_if<proto::SignalFrom>(&message.value())) {
                    clients_[client].signal_from = client_by_id(signal->from);
                }
            }
        }
        for (const auto& action : clients_[client].app->handle(event)) {
            clients_[client].log.push_back(action);
            execute(client, action);
        }
        if (clients_[client].app->missed_view_changes() != 0) {
            throw std::logic_error(clients_[client].name + ": an event skipped a View rebuild that changed the page");
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

void FakeWorld::release_remote_descriptions(int client) {
    auto& c = clients_.at(client);
    std::vector<int> held;
    held.swap(c.remote_descriptions_held);
    for (int pc : held) {
        c.pcs[pc].remote_set = true;
        queue_.emplace_back(client, RemoteDescriptionSet{pc});
        maybe_connect(client, pc);
    }
    run();
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

int FakeWorld::choose_files(int client, const std::string& peer_id,
                            const std::vector<std::pair<std::string, std::string>>& named_contents) {
    const int pick = ++next_pick_;
    FilesChosen chosen{peer_id, pick, {}};
    auto& kept = clients_.at(client).picks[pick];
    for (const auto& [name, contents] : named_contents) {
        chosen.files.push_back(FileMeta{name, contents.size(), "application/octet-stream"});
        kept.push_back(contents);
    }
    send(client, std::move(chosen));
    return pick;
}

const std::string* FakeWorld::saved_file(int client, const std::string& sink) const {
    const auto& sinks = clients_.at(client).sinks;
    auto found = sinks.find(sink);
    return found == sinks.end() || !found->second.kept ? nullptr : &found->second.bytes;
}

std::pair<int, int> FakeWorld::far_end(int client, int pc_id) const {
    const auto& mine = clients_.at(client).pcs.at(pc_id);
    if (mine.remote_client < 0) return {-1, 0};
    const auto& other = clients_.at(mine.remote_client);
    for (auto it = other.pcs.rbegin(); it != other.pcs.rend(); ++it) {
        const auto& pc = it->second;
        if (!pc.closed && pc.remote_client == client && !pc.data_channels.empty()) return {mine.remote_client, it->first};
    }
    return {-1, 0};
}

const std::map<std::string, voice_mail::Record>& FakeWorld::voice_store(int client) const {
    return clients_.at(client).voice_store;
}
std::vector<voice_mail::Record> FakeWorld::voice_records(int client) const {
    std::vector<voice_mail::Record> records;
    for (const auto& [key, r] : voice_store(client)) records.push_back(r);
    return records;
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
    if (const auto* rename = std::get_if<proto::Rename>(&message.value())) {
        sender.name = rename->name;
        for (std::size_t i = 0; i < clients_.size(); ++i) {
            auto& other = clients_[i];
            if (static_cast<int>(i) == from || !other.socket_open || !other.said_hello) continue;
            deliver(static_cast<int>(i), proto::serialize(proto::ServerMessage{
                                             proto::PeerJoined{{sender.id, rename->name, "desktop"}, true}}));
        }
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

}  // namespace peerline::testing
