// The protocol rules of signaling (docs/protocol.md): hello first, welcome + presence within
// shared rooms, relay with a server-stamped `from`, resume, rate and abuse limits, typed errors.
// Transport-free: it sees connections through `Connection` and reaches peers through a
// `Switchboard`.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "client_address.hpp"
#include "connection.hpp"
#include "ice_servers.hpp"
#include "identity.hpp"
#include "limits.hpp"
#include "metrics.hpp"
#include "switchboard.hpp"

namespace peerline::server {

struct HubConfig {
    Limits limits;
    std::shared_ptr<const ResumeTokens> tokens;
    std::shared_ptr<const IceServers> ice;
    std::shared_ptr<Metrics> metrics;
};

enum class Admission { ok, stopping, too_many };

class Hub {
public:
    Hub(std::unique_ptr<Switchboard> switchboard, HubConfig config);

    // Lifecycle of one connection, called by its session.
    Admission open(const std::shared_ptr<Connection>& connection, const ClientAddress& address);
    void close(const Connection& connection);

    // One complete message from the client.
    void on_text(Connection& connection, std::string_view text);
    void on_binary(Connection& connection, std::string_view frame);
    // A message over its limit: answers `too-large`; the session then closes with 1009.
    void on_too_large(Connection& connection, bool binary);
    // The handshake deadline passed: without a `hello` by now, `hello-timeout` and close 1008.
    void on_hello_deadline(Connection& connection);
    // Rejections decided by the transport (hello timeout, origin, ...): counted and logged.
    void count_rejection(std::string_view code, const std::string& id);

    // Server shutdown: every connection closes with 1001; no presence is sent any more.
    void stop();
    Gauges gauges() const;
    std::size_t connection_count() const;
    // The link to other instances (--redis): "" for one process; see Switchboard.
    std::string cluster_state() const { return switchboard_->link_state(); }
    bool cluster_healthy() const { return switchboard_->healthy(); }
    std::string cluster_metrics() const { return switchboard_->metrics_text(); }
    const Limits& limits() const { return config_.limits; }
    Metrics& metrics() { return *config_.metrics; }

private:
    struct Local {
        std::weak_ptr<Connection> connection;
        ClientAddress address;
        Member member;  // member.peer.id empty until hello
        TokenBucket bucket;
        StrikeCounter strikes;
    };

    // Under the lock: the connection's state if it said hello, else an error was sent.
    bool admit_message(Connection& connection, const char* ref, bool need_hello);
    void on_hello(Connection& connection, const protocol::Hello& hello);
    void on_rename(Connection& connection, const protocol::Rename& rename);
    void on_signal(Connection& connection, const protocol::SignalTo& signal);
    // The same for a signal found by protocol::peek_signal: `data` relayed byte for byte.
    void relay_signal(Connection& connection, const protocol::SignalSpan& signal);
    std::string resumed_id(Connection& connection, const std::string& token,
                           std::shared_ptr<Connection>& replaced, Member& replaced_member);
    void reject(Connection& connection, const std::string& code, const std::string& message,
                const std::string& ref, bool strike = true);
    Member member_of(const Connection& connection) const;

    std::unique_ptr<Switchboard> switchboard_;
    HubConfig config_;
    mutable std::mutex mutex_;  // guards the maps and stopping_; never held while sending
    std::unordered_map<const Connection*, Local> locals_;
    std::unordered_map<std::string, const Connection*> greeted_;  // peer id -> connection
    std::unordered_map<std::string, std::size_t> per_address_;
    bool stopping_ = false;
};

}  // namespace peerline::server
