#include "hub.hpp"

#include <vector>

#include "event_log.hpp"

namespace peerline::server {
namespace {

// The `type` of a message that failed to parse, for the error's `ref`, if it is short and
// printable. Only runs on the error path.
std::string type_of(std::string_view text) {
    auto parsed = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (!parsed.is_object()) return {};
    auto it = parsed.find("type");
    if (it == parsed.end() || !it->is_string()) return {};
    const auto& type = it->get_ref<const std::string&>();
    if (type.size() > 32) return {};
    for (char c : type) {
        if (c < 0x21 || c > 0x7e) return {};
    }
    return type;
}

}  // namespace

Hub::Hub(std::unique_ptr<Switchboard> switchboard) : switchboard_(std::move(switchboard)) {}

bool Hub::open(const std::shared_ptr<Connection>& connection, std::string_view remote) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return false;
        locals_[connection->id()] = Local{connection, false};
    }
    log_event("connect id=", connection->id(), " remote=", remote);
    return true;
}

void Hub::close(const std::string& id) {
    bool greeted = false;
    bool stopping = false;
    {
        std::lock_guard lock(mutex_);
        auto it = locals_.find(id);
        if (it == locals_.end()) return;
        greeted = it->second.greeted;
        stopping = stopping_;
        locals_.erase(it);
    }
    if (greeted) {
        switchboard_->detach(id);
        // On shutdown everyone is leaving at once: no presence storm into closing sockets.
        if (!stopping) switchboard_->publish(make_frame(protocol::serialize(protocol::PeerLeft{id})), id);
        log_event("leave id=", id);
    } else {
        log_event("disconnect id=", id, " (no hello)");
    }
}

void Hub::on_text(Connection& connection, std::string_view text) {
    auto parsed = protocol::parse_client_message(text);
    if (!parsed) {
        const auto& error = parsed.error();
        reject(connection, error.code, error.message,
               error.code == protocol::code::kBadJson ? std::string() : type_of(text));
        return;
    }
    const auto& message = parsed.value();
    if (const auto* hello = std::get_if<protocol::Hello>(&message)) {
        on_hello(connection, *hello);
    } else if (const auto* signal = std::get_if<protocol::SignalTo>(&message)) {
        on_signal(connection, *signal);
    }
}

void Hub::on_binary(Connection& connection) {
    reject(connection, protocol::code::kBadFrame, "binary frames are not part of the protocol", "");
}

void Hub::on_too_large(Connection& connection) {
    reject(connection, protocol::code::kTooLarge,
           "message larger than " + std::to_string(protocol::kMaxTextFrameBytes) + " bytes", "");
}

void Hub::on_hello(Connection& connection, const protocol::Hello& hello) {
    std::shared_ptr<Connection> self;
    bool again = false;
    {
        std::lock_guard lock(mutex_);
        auto it = locals_.find(connection.id());
        if (it == locals_.end() || stopping_) return;
        again = it->second.greeted;
        if (!again) {
            it->second.greeted = true;
            self = it->second.connection.lock();
        }
    }
    if (again) {
        reject(connection, protocol::code::kBadMessage, "`hello` was already sent", "hello");
        return;
    }
    if (!self) return;  // the session is already ending

    const protocol::PeerInfo peer{connection.id(), hello.name, hello.device};
    // Welcome first, then announce: the newcomer's roster never misses someone, and nobody can
    // signal it before it knows its own id. iceServers: STUN/TURN configuration comes later.
    protocol::Welcome welcome{peer.id, switchboard_->roster(), nlohmann::json::array()};
    connection.send(make_frame(protocol::serialize(protocol::ServerMessage{std::move(welcome)})));
    switchboard_->attach(peer, self);
    switchboard_->publish(make_frame(protocol::serialize(protocol::PeerJoined{peer})), peer.id);
    log_event("hello id=", peer.id, " name=\"", peer.name, "\" device=", peer.device);
}

void Hub::on_signal(Connection& connection, const protocol::SignalTo& signal) {
    bool greeted = false;
    {
        std::lock_guard lock(mutex_);
        auto it = locals_.find(connection.id());
        greeted = it != locals_.end() && it->second.greeted;
    }
    if (!greeted) {
        reject(connection, protocol::code::kNotReady, "send `hello` first", "signal");
        return;
    }
    // `from` is the sender's own id, whatever it wrote anywhere in its message.
    auto frame = make_frame(protocol::serialize(protocol::SignalFrom{connection.id(), signal.data}));
    if (!switchboard_->deliver(signal.to, frame)) {
        reject(connection, protocol::code::kUnknownPeer, "no peer with that id is online", "signal");
    }
}

void Hub::reject(Connection& connection, const std::string& code, const std::string& message,
                 const std::string& ref) {
    connection.send(make_frame(protocol::serialize(protocol::ErrorMessage{code, message, ref})));
    log_event("reject id=", connection.id(), " code=", code, ref.empty() ? "" : " ref=", ref);
}

void Hub::stop() {
    std::vector<std::shared_ptr<Connection>> all;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        for (const auto& [id, local] : locals_) {
            if (auto connection = local.connection.lock()) all.push_back(std::move(connection));
        }
    }
    for (const auto& connection : all) connection->go_away();
}

std::size_t Hub::connection_count() const {
    std::lock_guard lock(mutex_);
    return locals_.size();
}

}  // namespace peerline::server
