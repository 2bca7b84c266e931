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

// Close code for a connection whose id was resumed by a newer one: a client seeing it must
// not reconnect on its own (it would take the id back, and the two would take turns).
constexpr std::uint16_t kCloseReplaced = 4000;
constexpr std::uint16_t kClosePolicy = 1008;  // RFC 6455 §7.4.1: policy violation

}  // namespace

Hub::Hub(std::unique_ptr<Switchboard> switchboard, HubConfig config)
    : switchboard_(std::move(switchboard)), config_(std::move(config)) {}

Admission Hub::open(const std::shared_ptr<Connection>& connection, const ClientAddress& address) {
    const auto& limits = config_.limits;
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return Admission::stopping;
        auto& count = per_address_[address.ip];
        if (count >= limits.max_per_address) return Admission::too_many;
        ++count;
        Member member;
        member.rooms.network = address.network_key;
        locals_.emplace(connection.get(),
                        Local{connection, address, std::move(member),
                              TokenBucket(limits.rate, limits.burst, Clock::now()),
                              StrikeCounter(limits.abuse_errors, limits.abuse_window)});
    }
    ++config_.metrics->connections_total;
    log_event("connect", {{"id", connection->id()}, {"remote", address.ip}});
    return Admission::ok;
}

void Hub::close(const Connection& connection) {
    Member member;
    bool stopping = false;
    {
        std::lock_guard lock(mutex_);
        auto it = locals_.find(&connection);
        if (it == locals_.end()) return;
        member = std::move(it->second.member);
        if (auto count = per_address_.find(it->second.address.ip); count != per_address_.end()) {
            if (--count->second == 0) per_address_.erase(count);
        }
        locals_.erase(it);
        auto greeted = greeted_.find(member.peer.id);
        if (greeted != greeted_.end() && greeted->second == &connection) greeted_.erase(greeted);
        stopping = stopping_;
    }
    if (member.peer.id.empty()) {
        log_event("disconnect", {{"id", connection.id()}, {"hello", "no"}});
        return;
    }
    switchboard_->detach(member.peer.id);
    // On shutdown everyone is leaving at once: no presence storm into closing sockets.
    if (!stopping) switchboard_->announce(member, Change::left);
    log_event("leave", {{"id", member.peer.id}});
}

bool Hub::admit_message(Connection& connection, const char* ref, bool need_hello) {
    bool allowed = false;
    bool greeted = false;
    {
        std::lock_guard lock(mutex_);
        auto it = locals_.find(&connection);
        if (it == locals_.end()) return false;
        allowed = it->second.bucket.take(Clock::now());
        greeted = !it->second.member.peer.id.empty();
    }
    if (!allowed) {
        reject(connection, protocol::code::kRateLimited, "over the message rate; message dropped", ref);
        return false;
    }
    if (need_hello && !greeted) {
        reject(connection, protocol::code::kNotReady, "send `hello` first", ref);
        return false;
    }
    return true;
}

Member Hub::member_of(const Connection& connection) const {
    std::lock_guard lock(mutex_);
    auto it = locals_.find(&connection);
    return it == locals_.end() ? Member{} : it->second.member;
}

void Hub::on_text(Connection& connection, std::string_view text) {
    if (!admit_message(connection, "", false)) return;
    // The relay's fast path; whatever it declines, valid or not, takes the full parser's path.
    if (const auto signal = protocol::peek_signal(text)) return relay_signal(connection, *signal);
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
    } else if (const auto* rename = std::get_if<protocol::Rename>(&message)) {
        on_rename(connection, *rename);
    }
}

void Hub::on_hello(Connection& connection, const protocol::Hello& hello) {
    // Verify outside the lock (an HMAC), take over inside it.
    std::optional<std::string> resumed;
    if (!hello.resume.empty()) {
        resumed = config_.tokens->verify(hello.resume);
        if (!resumed) {
            // Not a strike: a token from before a secret change is an honest mistake. The hello
            // goes on with a fresh id.
            reject(connection, protocol::code::kBadResume, "resume token not valid; a new id is assigned",
                   "hello", false);
        }
    }
    std::shared_ptr<Connection> self;
    std::shared_ptr<Connection> replaced;
    Member replaced_member;
    Member member;
    bool again = false;
    {
        std::lock_guard lock(mutex_);
        auto it = locals_.find(&connection);
        if (it == locals_.end() || stopping_) return;
        again = !it->second.member.peer.id.empty();
        if (!again) {
            const std::string id = resumed.value_or(connection.id());
            if (auto old = greeted_.find(id); old != greeted_.end() && old->second != &connection) {
                // The id is still held, e.g. by a socket that died without a FIN: the newer
                // connection wins, the old one closes quietly (its member is taken from it).
                auto& old_local = locals_.at(old->second);
                replaced = old_local.connection.lock();
                replaced_member = std::move(old_local.member);
                old_local.member = Member{};
                old_local.member.rooms.network = old_local.address.network_key;
            }
            greeted_[id] = &connection;
            auto& m = it->second.member;
            m.peer = protocol::PeerInfo{id, hello.name, hello.device};
            m.rooms.invite = hello.room;
            member = m;
            self = it->second.connection.lock();
        }
    }
    if (again) {
        reject(connection, protocol::code::kBadMessage, "`hello` was already sent", "hello");
        return;
    }
    if (!self) return;  // the session is already ending
    if (!replaced_member.peer.id.empty()) {
        switchboard_->detach(replaced_member.peer.id);
        switchboard_->announce(replaced_member, Change::left);
        if (replaced) {
            replaced->send(make_frame(protocol::serialize(protocol::ErrorMessage{
                protocol::code::kReplaced, "this id was resumed by a newer connection", ""})));
            replaced->close(kCloseReplaced, "replaced");
        }
        log_event("replaced", {{"id", replaced_member.peer.id}});
    }
    const std::string& id = member.peer.id;
    if (connection.id() != id) connection.set_id(id);

    // Welcome first, then announce: the newcomer's roster never misses someone, and nobody can
    // signal it before it knows its own id.
    protocol::Welcome welcome{id, switchboard_->roster(member.rooms, id),
                              config_.ice->for_peer(id, std::chrono::system_clock::now()),
                              config_.tokens->issue(id), config_.limits.to_json()};
    connection.send(make_frame(protocol::serialize(protocol::ServerMessage{std::move(welcome)})));
    switchboard_->attach(member, self);
    switchboard_->announce(member, Change::joined);
    log_event("hello", {{"id", id}, {"name", member.peer.name}, {"device", member.peer.device},
                        {"invite", member.rooms.invite.empty() ? "no" : "yes"},
                        {"resumed", resumed ? "yes" : "no"}});
}

void Hub::on_rename(Connection& connection, const protocol::Rename& rename) {
    Member member;
    {
        std::lock_guard lock(mutex_);
        auto it = locals_.find(&connection);
        if (it == locals_.end()) return;
        if (!it->second.member.peer.id.empty()) it->second.member.peer.name = rename.name;
        member = it->second.member;
    }
    if (member.peer.id.empty()) {
        reject(connection, protocol::code::kNotReady, "send `hello` first", "rename");
        return;
    }
    switchboard_->rename(member.peer.id, member.peer.name);
    switchboard_->announce(member, Change::updated);
    log_event("rename", {{"id", member.peer.id}, {"name", member.peer.name}});
}

void Hub::on_signal(Connection& connection, const protocol::SignalTo& signal) {
    const Member member = member_of(connection);
    if (member.peer.id.empty()) {
        reject(connection, protocol::code::kNotReady, "send `hello` first", "signal");
        return;
    }
    // `from` is the sender's own id, whatever it wrote anywhere in its message.
    auto frame = make_frame(protocol::serialize(protocol::SignalFrom{member.peer.id, signal.data}));
    if (!switchboard_->deliver(member.rooms, signal.to, frame, false)) {
        reject(connection, protocol::code::kUnknownPeer, "no peer with that id is online", "signal");
    }
}

void Hub::relay_signal(Connection& connection, const protocol::SignalSpan& signal) {
    std::string frame;
    Rooms rooms;
    {
        std::lock_guard lock(mutex_);
        auto it = locals_.find(&connection);
        if (it == locals_.end()) return;
        const Member& member = it->second.member;
        if (!member.peer.id.empty()) {
            // `from` is the sender's own id, whatever it wrote anywhere in its message.
            frame = protocol::signal_frame(member.peer.id, signal.data);
            rooms = member.rooms;
        }
    }
    if (frame.empty()) return reject(connection, protocol::code::kNotReady, "send `hello` first", "signal");
    if (!switchboard_->deliver(rooms, std::string(signal.to), make_frame(std::move(frame)), false)) {
        reject(connection, protocol::code::kUnknownPeer, "no peer with that id is online", "signal");
    }
}

void Hub::on_binary(Connection& connection, std::string_view frame) {
    if (!admit_message(connection, "binary", true)) return;
    auto parsed = protocol::parse_binary_frame(frame);
    if (!parsed) return reject(connection, parsed.error().code, parsed.error().message, "binary");
    auto header = parsed.value().header;
    auto to = header.find("to");
    if (to == header.end() || !to->is_string()) {
        return reject(connection, protocol::code::kBadFrame, "binary header needs a string `to`", "binary");
    }
    const std::string target = to->get<std::string>();
    const Member member = member_of(connection);
    header.erase("to");
    header["from"] = member.peer.id;
    auto out = make_frame(protocol::make_binary_frame(header, parsed.value().payload));
    if (!switchboard_->deliver(member.rooms, target, out, true)) {
        reject(connection, protocol::code::kUnknownPeer, "no peer with that id is online", "binary");
    }
}

void Hub::on_too_large(Connection& connection, bool binary) {
    const auto limit = binary ? config_.limits.max_binary_bytes : config_.limits.max_text_bytes;
    reject(connection, protocol::code::kTooLarge,
           std::string(binary ? "binary" : "text") + " message larger than " +
               std::to_string(limit) + " bytes", "", false);
}

void Hub::on_hello_deadline(Connection& connection) {
    if (!member_of(connection).peer.id.empty()) return;
    reject(connection, protocol::code::kHelloTimeout, "no `hello` within the handshake timeout", "", false);
    connection.close(kClosePolicy, "no hello");
}

void Hub::count_rejection(std::string_view code, const std::string& id) {
    config_.metrics->rejected(code);
    log_event("reject", {{"id", id}, {"code", code}});
}

void Hub::reject(Connection& connection, const std::string& code, const std::string& message,
                 const std::string& ref, bool strike) {
    connection.send(make_frame(protocol::serialize(protocol::ErrorMessage{code, message, ref})));
    config_.metrics->rejected(code);
    if (ref.empty()) log_event("reject", {{"id", connection.id()}, {"code", code}});
    else log_event("reject", {{"id", connection.id()}, {"code", code}, {"ref", ref}});
    if (!strike) return;
    bool abuse = false;
    {
        std::lock_guard lock(mutex_);
        auto it = locals_.find(&connection);
        if (it != locals_.end()) abuse = it->second.strikes.add(Clock::now());
    }
    if (!abuse) return;
    connection.send(make_frame(protocol::serialize(protocol::ErrorMessage{
        protocol::code::kAbuse, "too many errors; closing", ""})));
    config_.metrics->rejected(protocol::code::kAbuse);
    log_event("abuse", {{"id", connection.id()}});
    connection.close(kClosePolicy, "too many errors");
}

void Hub::stop() {
    std::vector<std::shared_ptr<Connection>> all;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        for (const auto& [key, local] : locals_) {
            if (auto connection = local.connection.lock()) all.push_back(std::move(connection));
        }
    }
    for (const auto& connection : all) connection->go_away();
    switchboard_->stop();
}

Gauges Hub::gauges() const {
    Gauges g;
    {
        std::lock_guard lock(mutex_);
        g.connections = locals_.size();
        g.peers = greeted_.size();
    }
    g.rooms = switchboard_->room_count();
    return g;
}

std::size_t Hub::connection_count() const {
    std::lock_guard lock(mutex_);
    return locals_.size();
}

}  // namespace peerline::server
