// RedisSwitchboard, the Switchboard our own connections use: the roster from the mirror,
// members attached and detached (kept in our members hash), deliveries (here directly, else one
// PUBLISH to the target's instance) and presence announcements (redis_switchboard.hpp has the
// whole design; redis_switchboard.cpp the link and our instance's life, _inbound.cpp what other
// instances send us).
#include "redis_switchboard.hpp"

#include <hiredis/hiredis.h>

namespace peerline::server {
namespace {

constexpr std::size_t kMaxInFlight = 100'000;  // PUBLISHes awaiting an answer: past it, Redis is too slow

}  // namespace

std::vector<protocol::PeerInfo> RedisSwitchboard::roster(const Rooms& viewer, const std::string& viewer_id) const {
    std::vector<protocol::PeerInfo> out;
    for (const Placed* placed : index_.sharing(viewer)) {
        if (placed->member.peer.id == viewer_id) continue;
        protocol::PeerInfo info = placed->member.peer;
        info.via = placed->member.rooms.shared_with(viewer);
        out.push_back(std::move(info));
    }
    return out;
}

void RedisSwitchboard::attach(const Member& member, std::weak_ptr<Connection> connection) {
    Placed placed{member, std::move(connection), {}, stamp()};
    if (link_ == Link::up) {
        commands_.command({"HSET", cluster::members_key(config_.instance_id), member.peer.id,
                           cluster::member_json(placed).dump()});
    }
    index_.put(std::move(placed));
}

void RedisSwitchboard::rename(const std::string& id, const std::string& name) {
    const Placed* placed = index_.find(id);
    if (placed == nullptr || !placed->here()) return;
    index_.rename(id, name);
    if (link_ == Link::up) {
        commands_.command({"HSET", cluster::members_key(config_.instance_id), id, cluster::member_json(*placed).dump()});
    }
}

void RedisSwitchboard::detach(const std::string& id) {
    const Placed* placed = index_.find(id);
    if (placed == nullptr || !placed->here()) return;  // resumed on another instance meanwhile
    index_.erase(id);
    if (link_ == Link::up) commands_.command({"HDEL", cluster::members_key(config_.instance_id), id});
}

bool RedisSwitchboard::deliver(const Rooms& sender, const std::string& to, const Frame& frame, bool binary) {
    const Placed* placed = index_.find(to);
    if (placed == nullptr || !placed->member.rooms.shares_with(sender)) return false;
    if (placed->here()) {
        auto target = placed->connection.lock();
        if (!target) return false;  // its session is ending; its peer-left is on the way
        if (binary) target->send_binary(frame);
        else target->send(frame);
        return true;
    }
    if (link_ != Link::up || in_flight_.size() >= kMaxInFlight) {
        ++undeliverable_;
        return false;
    }
    const std::string payload =
        cluster::encode_delivery({binary, to, config_.instance_id, sender, *frame});
    if (!commands_.command_raw({"PUBLISH", cluster::delivery_channel(placed->instance), payload},
                               &RedisSwitchboard::on_published, this)) {
        ++undeliverable_;
        return false;
    }
    in_flight_.push_back({frame, binary});
    ++published_;
    return true;
}

void RedisSwitchboard::on_published(redisAsyncContext*, void* raw, void* privdata) {
    auto* self = static_cast<RedisSwitchboard*>(privdata);
    if (self->in_flight_.empty()) return;
    InFlight sent = std::move(self->in_flight_.front());
    self->in_flight_.pop_front();
    const auto* reply = static_cast<redisReply*>(raw);
    if (reply == nullptr) {
        ++self->unconfirmed_;
        return;
    }
    if (reply->type == REDIS_REPLY_INTEGER && reply->integer == 0) {
        // Nobody listens on that instance's channel: it died since the mirror last heard of it.
        self->bounce(cluster::sender_of(*sent.frame, sent.binary), self->config_.instance_id, sent.binary);
    }
}

void RedisSwitchboard::announce(const Member& subject, Change change) {
    if (change == Change::left && index_.find(subject.peer.id)) {
        // The id lives on (it was resumed on another instance, which announced it): a `left`
        // from here would remove it from everyone's roster.
        return;
    }
    announce_here(subject, change);
    if (link_ != Link::up) return;
    cluster::Presence presence{change == Change::left ? 'L' : 'J', config_.instance_id, {}, {},
                               change == Change::updated};
    if (change == Change::left) {
        presence.id = subject.peer.id;
    } else {
        const Placed* placed = index_.find(subject.peer.id);
        if (placed == nullptr) return;
        presence.members.push_back(*placed);
    }
    commands_.command({"PUBLISH", cluster::kPresenceChannel, cluster::encode_presence(presence)});
}

void RedisSwitchboard::announce_here(const Member& subject, Change change) {
    PresenceTargets targets;
    for (const Placed* placed : index_.sharing(subject.rooms)) {
        if (!placed->here() || placed->member.peer.id == subject.peer.id) continue;
        if (auto connection = placed->connection.lock()) {
            targets.emplace_back(std::move(connection), subject.rooms.shared_with(placed->member.rooms));
        }
    }
    send_presence(subject, change, targets);
}

}  // namespace peerline::server
