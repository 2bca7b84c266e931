// RedisSwitchboard, the link and our instance's life: connecting with backoff, registering the
// instance id, publishing our presence, loading and sweeping the other instances, metrics
// (redis_switchboard.hpp has the whole design; _members.cpp what our connections ask,
// _inbound.cpp what other instances send us).
#include "redis_switchboard.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <hiredis/hiredis.h>

#include "event_log.hpp"
#include "peer_id.hpp"

namespace peerline::server {
namespace {

using namespace std::chrono_literals;

constexpr auto kMaxBackoff = 1000ms;          // everyone is back well within a TTL after a Redis restart
constexpr auto kCollisionRetry = 1000ms;

// Take (or renew) our instance id. Our own key from before a reconnect carries our nonce;
// another live instance's does not, and then we must not receive its messages. Garbage of the
// wrong type under our key is replaced.
constexpr const char* kRegisterScript = R"(
local t = redis.call('TYPE', KEYS[1]).ok
if t ~= 'none' and t ~= 'string' then redis.call('DEL', KEYS[1]) end
local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  redis.pcall('SADD', KEYS[2], ARGV[3])
  return 1
end
return 0)";

constexpr const char* kUnregisterScript = R"(
if redis.pcall('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.pcall('SREM', KEYS[3], ARGV[2])
end
return 1)";

std::string_view text_of(const redisReply* reply) {
    return reply && reply->str ? std::string_view(reply->str, reply->len) : std::string_view();
}

const char* name_of(int link) {
    static const char* names[] = {"connecting", "up", "down", "collision", "stopped"};
    return names[link];
}

}  // namespace

RedisSwitchboard::RedisSwitchboard(net::io_context& ioc, RedisSwitchboardConfig config)
    : ioc_(ioc),
      config_(std::move(config)),
      nonce_(make_peer_id()),
      channel_(cluster::delivery_channel(config_.instance_id)),
      commands_(ioc, "commands"),
      subscriber_(ioc, "subscriber"),
      retry_timer_(ioc.get_executor()),
      heartbeat_timer_(ioc.get_executor()),
      grace_timer_(ioc.get_executor()) {}

RedisSwitchboard::~RedisSwitchboard() {
    // Pending replies are answered (with nullptr) while every member is still alive.
    commands_.close();
    subscriber_.close();
}

void RedisSwitchboard::start() { connect(); }

std::uint64_t RedisSwitchboard::stamp() {
    const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    last_stamp_ = std::max<std::uint64_t>(last_stamp_ + 1, static_cast<std::uint64_t>(now));
    return last_stamp_;
}

void RedisSwitchboard::set_link(Link link, const std::string& why) {
    link_ = link;
    // Retries alternate connecting and down once a second while Redis is away: log a state
    // when it differs from the last one logged, not every attempt.
    if (link == Link::connecting && attempt_ > 0) return;
    if (link == logged_link_ && why == link_why_) return;
    logged_link_ = link;
    link_why_ = why;
    log_event("redis", {{"state", name_of(static_cast<int>(link))}, {"instance", config_.instance_id},
                        {"redis", config_.address.display()}, {"why", why}});
}

// --- the link -------------------------------------------------------------------------------

void RedisSwitchboard::connect() {
    if (link_ == Link::stopped) return;
    if (link_ != Link::collision) set_link(Link::connecting, "start");
    auto up = [this] { on_connection_up(); };
    auto down = [this](const std::string& reason) { on_connection_down(reason); };
    commands_.connect(config_.address, config_.connect_timeout, up, down);
    subscriber_.connect(config_.address, config_.connect_timeout, up, down);
}

void RedisSwitchboard::on_connection_up() {
    if (!commands_.ready() || !subscriber_.ready()) return;  // the other one is still on its way
    // A Redis that accepts connections but does not answer (hung, overloaded) must not keep us
    // waiting for ever: registration and subscription get the connect timeout too.
    heartbeat_timer_.expires_after(config_.connect_timeout);
    heartbeat_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec && link_ != Link::up && link_ != Link::stopped && link_ != Link::collision) {
            on_connection_down("no answer to the registration within the connect timeout");
        }
    });
    register_instance([this](int result) {
        if (result == 1) return on_registered();
        commands_.close();
        subscriber_.close();
        if (result == 0) {
            set_link(Link::collision, "instance id " + config_.instance_id + " is held by another live instance");
            return schedule_reconnect(kCollisionRetry);
        }
        on_connection_down("registration failed");
    });
}

void RedisSwitchboard::register_instance(std::function<void(int)> then) {
    const std::string ttl = std::to_string(config_.ttl.count());
    const std::string key = cluster::heartbeat_key(config_.instance_id);
    const bool sent = commands_.command(
        {"EVAL", kRegisterScript, "2", key, cluster::kInstances, nonce_, ttl, config_.instance_id},
        [this, then = std::move(then)](redisReply* reply) {
            if (reply == nullptr) return;  // the link went away; its `down` handles it
            if (reply->type == REDIS_REPLY_INTEGER) return then(reply->integer == 1 ? 1 : 0);
            garbage(cluster::heartbeat_key(config_.instance_id),
                    "registration answered " + std::string(reply->type == REDIS_REPLY_ERROR ? text_of(reply) : "a non-integer"));
            then(-1);
        });
    if (!sent) on_connection_down("cannot send the registration");
}

void RedisSwitchboard::on_registered() {
    const bool sent = subscriber_.subscribe(
        {channel_, cluster::kPresenceChannel},
        [this](std::string_view channel, std::string_view payload) { on_message(channel, payload); },
        [this] { on_subscribed(); });
    if (!sent) on_connection_down("cannot subscribe");
}

void RedisSwitchboard::on_subscribed() {
    if (ever_up_) ++reconnects_;
    ever_up_ = true;
    attempt_ = 0;
    up_since_ = Clock::now();
    heartbeat_outstanding_ = false;
    grace_timer_.cancel();
    publish_own_presence();
    load_others();
    set_link(Link::up, "registered and subscribed");
    heartbeat_timer_.expires_after(config_.heartbeat);
    heartbeat_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) on_heartbeat_tick();
    });
}

void RedisSwitchboard::on_connection_down(const std::string& reason) {
    const bool was_up = link_ == Link::up;
    commands_.close();  // the other half too: both come back together
    subscriber_.close();
    heartbeat_timer_.cancel();
    if (link_ == Link::stopped) return;
    set_link(Link::down, reason + (unconfirmed_ ? " (unconfirmed publishes so far: " + std::to_string(unconfirmed_) + ")" : ""));
    if (was_up) {
        grace_timer_.expires_after(config_.ttl);
        grace_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec && link_ != Link::up) drop_all_remote("redis unreachable");
        });
    }
    const auto delay = std::min<std::chrono::milliseconds>(kMaxBackoff, 100ms * (1u << std::min(attempt_, 4u)));
    ++attempt_;
    schedule_reconnect(delay);
}

void RedisSwitchboard::schedule_reconnect(std::chrono::milliseconds delay) {
    retry_timer_.expires_after(delay);
    retry_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) connect();
    });
}

void RedisSwitchboard::publish_own_presence() {
    const std::string key = cluster::members_key(config_.instance_id);
    commands_.command({"DEL", key});
    cluster::Presence snapshot{'S', config_.instance_id, {}, {}, false};
    std::vector<std::string> fields;
    for (const Placed* placed : index_.here()) {
        snapshot.members.push_back(*placed);
        fields.push_back(placed->member.peer.id);
        fields.push_back(cluster::member_json(*placed).dump());
    }
    if (!fields.empty()) {
        std::vector<std::string_view> args{"HSET", key};
        for (const auto& f : fields) args.emplace_back(f);
        commands_.command(args);
    }
    commands_.command({"PUBLISH", cluster::kPresenceChannel, cluster::encode_presence(snapshot)});
}

void RedisSwitchboard::load_others() {
    commands_.command({"SMEMBERS", cluster::kInstances}, [this](redisReply* reply) {
        if (reply == nullptr) return;
        if (reply->type != REDIS_REPLY_ARRAY) return garbage(cluster::kInstances, "not a set");
        for (std::size_t i = 0; i < reply->elements; ++i) {
            const std::string instance(text_of(reply->element[i]));
            if (instance == config_.instance_id) continue;
            if (!cluster::valid_instance_id(instance)) {
                garbage(cluster::kInstances, "member is not an instance id");
                continue;
            }
            // Only live instances: a dead one's members would be ghosts until swept.
            commands_.command({"EXISTS", cluster::heartbeat_key(instance)}, [this, instance](redisReply* alive) {
                if (alive == nullptr) return;
                if (alive->type != REDIS_REPLY_INTEGER || alive->integer == 0) {
                    commands_.command({"DEL", cluster::members_key(instance)});
                    commands_.command({"SREM", cluster::kInstances, instance});
                    return;
                }
                commands_.command({"HGETALL", cluster::members_key(instance)}, [this, instance](redisReply* all) {
                    if (all == nullptr) return;
                    if (all->type != REDIS_REPLY_ARRAY) return garbage(cluster::members_key(instance), "not a hash");
                    for (std::size_t f = 0; f + 1 < all->elements; f += 2) {
                        const auto value = text_of(all->element[f + 1]);
                        auto json = nlohmann::json::parse(value.begin(), value.end(), nullptr, false);
                        std::string error;
                        auto placed = cluster::member_from_json(json, instance, error);
                        if (!placed) {
                            garbage(cluster::members_key(instance), error);
                            continue;
                        }
                        // Additive only: a newer event from the presence channel may be here first.
                        if (!index_.find(placed->member.peer.id)) apply_remote(std::move(*placed), false);
                    }
                });
            });
        }
    });
}

void RedisSwitchboard::on_heartbeat_tick() {
    if (link_ != Link::up) return;
    const auto now = Clock::now();
    if (heartbeat_outstanding_ && now - heartbeat_sent_ > config_.ttl / 2) {
        // Redis answers too slowly to keep our key alive: treat it as gone rather than let the
        // others sweep us while we think we are connected.
        return on_connection_down("no answer to the heartbeat within " +
                                  std::to_string((config_.ttl / 2).count()) + " ms (redis too slow)");
    }
    if (!heartbeat_outstanding_) {
        heartbeat_outstanding_ = true;
        heartbeat_sent_ = now;
        register_instance([this](int result) {
            heartbeat_outstanding_ = false;
            if (result == 1) return;
            if (result == 0) {
                // Our key expired and another instance took our id: it gets our channel's messages,
                // so we must stop listening at once.
                commands_.close();
                subscriber_.close();
                heartbeat_timer_.cancel();
                set_link(Link::collision, "instance id " + config_.instance_id + " was taken by another instance");
                drop_all_remote("instance id collision");
                return schedule_reconnect(kCollisionRetry);
            }
        });
    }
    if (link_ != Link::up) return;
    // Sweep instances whose heartbeat key is gone, once everyone had a TTL to re-register.
    // Those mirrored here, and those listed in Redis (a dead one's hash is cleaned up even if
    // none of its members is mirrored any more).
    if (now - up_since_ >= config_.ttl) {
        commands_.command({"SMEMBERS", cluster::kInstances}, [this](redisReply* reply) {
            if (reply == nullptr || link_ != Link::up) return;
            const auto mirrored = index_.instances();
            std::set<std::string> all(mirrored.begin(), mirrored.end());
            if (reply->type == REDIS_REPLY_ARRAY) {
                for (std::size_t i = 0; i < reply->elements; ++i) {
                    std::string instance(text_of(reply->element[i]));
                    if (cluster::valid_instance_id(instance)) all.insert(std::move(instance));
                }
            }
            all.erase(config_.instance_id);
            for (const auto& instance : all) {
                commands_.command({"EXISTS", cluster::heartbeat_key(instance)}, [this, instance](redisReply* alive) {
                    if (alive == nullptr || link_ != Link::up) return;
                    if (alive->type == REDIS_REPLY_INTEGER && alive->integer == 0) sweep(instance, "heartbeat expired");
                });
            }
        });
    }
    heartbeat_timer_.expires_after(config_.heartbeat);
    heartbeat_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) on_heartbeat_tick();
    });
}

void RedisSwitchboard::sweep(const std::string& instance, const char* why) {
    const auto ids = index_.ids_at(instance);
    for (const auto& id : ids) remove_remote(id, instance);
    ++swept_;
    log_event("redis-sweep", {{"instance", instance}, {"members", ids.size()}, {"why", why}});
    commands_.command({"DEL", cluster::members_key(instance)});
    commands_.command({"SREM", cluster::kInstances, instance});
}

void RedisSwitchboard::drop_all_remote(const char* why) {
    for (const auto& instance : index_.instances()) {
        const auto ids = index_.ids_at(instance);
        for (const auto& id : ids) remove_remote(id, instance);
        log_event("redis-sweep", {{"instance", instance}, {"members", ids.size()}, {"why", why}});
    }
}

void RedisSwitchboard::stop() {
    if (link_ == Link::up) {
        commands_.command({"PUBLISH", cluster::kPresenceChannel,
                           cluster::encode_presence({'X', config_.instance_id, {}, {}, false})});
        commands_.command({"EVAL", kUnregisterScript, "3", cluster::heartbeat_key(config_.instance_id),
                           cluster::members_key(config_.instance_id), cluster::kInstances, nonce_,
                           config_.instance_id});
    }
    set_link(Link::stopped, "server shutting down");
    subscriber_.close();
    retry_timer_.cancel();
    heartbeat_timer_.cancel();
    grace_timer_.cancel();
    // The commands connection goes when the process does; what it has queued is written first.
}

std::string RedisSwitchboard::link_state() const {
    return "redis: " + std::string(name_of(static_cast<int>(link_))) + "\ninstance: " + config_.instance_id + "\n";
}

bool RedisSwitchboard::healthy() const { return link_ != Link::collision && link_ != Link::stopped; }

std::string RedisSwitchboard::metrics_text() const {
    std::string out;
    auto metric = [&out](const char* name, const char* type, const char* help, std::uint64_t value) {
        out += std::string("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n' + name + ' ' +
               std::to_string(value) + '\n';
    };
    metric("peerline_redis_up", "gauge", "1 while this instance is registered and subscribed in Redis.",
           link_ == Link::up ? 1 : 0);
    metric("peerline_redis_collision", "gauge", "1 while another live instance holds this instance id.",
           link_ == Link::collision ? 1 : 0);
    metric("peerline_redis_reconnects_total", "counter", "Times the Redis link came back after being lost.", reconnects_);
    metric("peerline_remote_peers", "gauge", "Peers online on other instances.", index_.size() - index_.here().size());
    metric("peerline_redis_published_total", "counter", "Frames published to other instances.", published_);
    metric("peerline_redis_received_total", "counter", "Frames received from other instances.", received_);
    metric("peerline_redis_undeliverable_total", "counter",
           "Cross-instance frames that found nobody (the sender got unknown-peer).", undeliverable_);
    metric("peerline_redis_unconfirmed_total", "counter",
           "Publishes whose answer was lost with the link (may or may not have arrived).", unconfirmed_);
    metric("peerline_redis_garbage_total", "counter", "Values under our keys or channels that did not parse.", garbage_);
    metric("peerline_redis_swept_total", "counter", "Instances dropped after their heartbeat expired.", swept_);
    return out;
}

void RedisSwitchboard::garbage(const std::string& where, const std::string& why) {
    ++garbage_;
    log_event("redis-garbage", {{"key", where}, {"why", why}});
}

}  // namespace peerline::server
