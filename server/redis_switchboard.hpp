// The switchboard for many instances (DESIGN.md "Growing past one machine", docs/deploy.md
// "Many machines"): presence in Redis, delivery by pub/sub, one channel per instance.
//
// Every instance keeps a mirror of who is online everywhere (PresenceIndex), kept current by
// the presence channel, so `deliver` and `roster` answer at once, as the hub expects. A message
// for a peer on another instance is PUBLISHed to that instance's channel from one connection,
// so messages of one sender arrive in the order sent. What cannot be delivered is never dropped
// silently: a PUBLISH that reached no subscriber (the instance died) and a delivery the
// receiving instance cannot hand over (the peer left, moved, or does not share a room with the
// sender) both come back to the sender as `unknown-peer`, as a local miss would. A PUBLISH
// whose answer was lost with the link is counted and logged (`unconfirmed`): it may or may
// not have arrived.
//
// Liveness: each instance renews `peerline:instance:<id>` (TTL 5 s) every second; the others
// check the instances they mirror members of every second and drop the members of one whose
// key is gone (after being connected for a TTL themselves, so that everyone had the time to
// re-register after a Redis restart). When Redis is away, local peers keep talking; the
// connection comes back with backoff (100 ms doubling to 1 s), re-registers, rewrites its
// members and publishes a snapshot. Remote peers stay in the mirror for 5 s of outage, then
// leave the rosters here until Redis is back.
//
// All calls on the io_context's thread (main.cpp runs one).
#pragma once

#include <chrono>
#include <deque>
#include <string>

#include "net.hpp"
#include "cluster_messages.hpp"
#include "limits.hpp"
#include "presence_index.hpp"
#include "redis_connection.hpp"
#include "switchboard.hpp"

namespace peerline::server {

struct RedisSwitchboardConfig {
    RedisAddress address;
    std::string instance_id;
    std::chrono::milliseconds heartbeat{1000};
    std::chrono::milliseconds ttl{5000};
    std::chrono::milliseconds connect_timeout{2000};
};

class RedisSwitchboard final : public Switchboard {
public:
    RedisSwitchboard(net::io_context& ioc, RedisSwitchboardConfig config);
    ~RedisSwitchboard() override;

    void start();  // begins connecting; local peers are served at once

    std::vector<protocol::PeerInfo> roster(const Rooms& viewer, const std::string& viewer_id) const override;
    void attach(const Member& member, std::weak_ptr<Connection> connection) override;
    void rename(const std::string& id, const std::string& name) override;
    void detach(const std::string& id) override;
    bool deliver(const Rooms& sender, const std::string& to, const Frame& frame, bool binary) override;
    void announce(const Member& subject, Change change) override;
    std::size_t room_count() const override { return index_.room_count(); }

    void stop() override;
    std::string link_state() const override;
    bool healthy() const override;
    std::string metrics_text() const override;

private:
    enum class Link { connecting, up, down, collision, stopped };
    struct InFlight {
        Frame frame;
        bool binary;
    };

    void connect();
    void on_connection_up();
    void on_connection_down(const std::string& reason);
    void register_instance(std::function<void(int)> then);  // 1 ok, 0 collision, -1 error
    void on_registered();
    void on_subscribed();
    void publish_own_presence();
    void load_others();
    void schedule_reconnect(std::chrono::milliseconds delay);
    void set_link(Link link, const std::string& why);
    void on_heartbeat_tick();
    void sweep(const std::string& instance, const char* why);
    void drop_all_remote(const char* why);

    void on_message(std::string_view channel, std::string_view payload);
    void on_delivery(const cluster::Delivery& delivery);
    void on_presence(std::string_view payload);
    void apply_remote(Placed placed, bool updated);
    void remove_remote(const std::string& id, const std::string& instance);
    // Tell the peers here sharing a room with `subject` (except itself).
    void announce_here(const Member& subject, Change change);
    // The sender of an undeliverable frame learns it as `unknown-peer`.
    void bounce(const std::string& sender, const std::string& sender_instance, bool binary);
    void tell_unknown_peer(const std::string& id, std::string_view ref);
    static void on_published(redisAsyncContext* context, void* reply, void* privdata);
    std::uint64_t stamp();
    void garbage(const std::string& where, const std::string& why);

    net::io_context& ioc_;
    RedisSwitchboardConfig config_;
    std::string nonce_;    // tells our heartbeat key from another instance's with our id
    std::string channel_;  // our delivery channel
    RedisConnection commands_;
    RedisConnection subscriber_;
    Timer retry_timer_;
    Timer heartbeat_timer_;
    Timer grace_timer_;
    PresenceIndex index_;
    Link link_ = Link::down;
    Link logged_link_ = Link::stopped;  // the last state written to the log, and why
    std::string link_why_;
    unsigned attempt_ = 0;
    bool ever_up_ = false;
    Clock::time_point up_since_{};
    bool heartbeat_outstanding_ = false;
    Clock::time_point heartbeat_sent_{};
    std::deque<InFlight> in_flight_;  // PUBLISHes awaiting their receiver count, in order
    std::uint64_t last_stamp_ = 0;

    // For /metrics.
    std::uint64_t reconnects_ = 0;
    std::uint64_t published_ = 0;
    std::uint64_t received_ = 0;
    std::uint64_t undeliverable_ = 0;
    std::uint64_t unconfirmed_ = 0;
    std::uint64_t garbage_ = 0;
    std::uint64_t swept_ = 0;
};

}  // namespace peerline::server
