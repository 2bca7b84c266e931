// RedisSwitchboard, what other instances send us: deliveries for our peers, bounces of what we
// sent, and their presence, which the mirror takes in (redis_switchboard.hpp has the whole
// design; redis_switchboard.cpp the link, our own presence and what we send).
#include "redis_switchboard.hpp"

#include <set>

#include "event_log.hpp"

namespace peerline::server {
namespace {

constexpr std::uint16_t kCloseReplaced = 4000;  // as the hub's: the id was resumed elsewhere

}  // namespace

void RedisSwitchboard::on_message(std::string_view channel, std::string_view payload) {
    if (channel == cluster::kPresenceChannel) return on_presence(payload);
    std::string error;
    const auto decoded = cluster::decode(payload, error);
    if (decoded.delivery) return on_delivery(*decoded.delivery);
    if (decoded.bounce) {
        ++undeliverable_;
        return tell_unknown_peer(std::string(decoded.bounce->to), decoded.bounce->ref);
    }
    garbage(std::string(channel), error);
}

void RedisSwitchboard::on_delivery(const cluster::Delivery& delivery) {
    ++received_;
    const Placed* placed = index_.find(std::string(delivery.to));
    std::shared_ptr<Connection> target;
    // The same rule as for a local sender, checked against the peer as it is here and now.
    if (placed && placed->here() && placed->member.rooms.shares_with(delivery.sender)) {
        target = placed->connection.lock();
    }
    if (!target) {
        ++undeliverable_;
        return bounce(cluster::sender_of(delivery.frame, delivery.binary), std::string(delivery.sender_instance),
                      delivery.binary);
    }
    auto frame = make_frame(std::string(delivery.frame));
    if (delivery.binary) target->send_binary(std::move(frame));
    else target->send(std::move(frame));
}

void RedisSwitchboard::bounce(const std::string& sender, const std::string& sender_instance, bool binary) {
    const std::string_view ref = binary ? "binary" : "signal";
    if (sender.empty()) {
        log_event("undeliverable", {{"why", "no sender in the frame"}});
        return;
    }
    log_event("undeliverable", {{"id", sender}, {"ref", ref}});
    if (sender_instance == config_.instance_id) return tell_unknown_peer(sender, ref);
    if (link_ == Link::up && cluster::valid_instance_id(sender_instance)) {
        commands_.command({"PUBLISH", cluster::delivery_channel(sender_instance), cluster::encode_bounce({ref, sender})});
    }
}

void RedisSwitchboard::tell_unknown_peer(const std::string& id, std::string_view ref) {
    const Placed* placed = index_.find(id);
    if (placed == nullptr || !placed->here()) return;
    if (auto connection = placed->connection.lock()) {
        connection->send(make_frame(protocol::serialize(protocol::ErrorMessage{
            protocol::code::kUnknownPeer, "no peer with that id is online", std::string(ref)})));
    }
}

void RedisSwitchboard::on_presence(std::string_view payload) {
    std::string error;
    auto presence = cluster::decode_presence(payload, error);
    if (!presence) return garbage(cluster::kPresenceChannel, error);
    if (presence->instance == config_.instance_id) return;  // our own, echoed back
    switch (presence->kind) {
        case 'J':
            apply_remote(std::move(presence->members.front()), presence->updated);
            break;
        case 'L':
            remove_remote(presence->id, presence->instance);
            break;
        case 'S': {
            std::set<std::string> now;
            for (const auto& placed : presence->members) now.insert(placed.member.peer.id);
            for (const auto& id : index_.ids_at(presence->instance)) {
                if (!now.count(id)) remove_remote(id, presence->instance);
            }
            for (auto& placed : presence->members) {
                const Placed* known = index_.find(placed.member.peer.id);
                if (known && known->instance == placed.instance && known->joined == placed.joined) continue;
                apply_remote(std::move(placed), false);
            }
            break;
        }
        case 'X':
            sweep(presence->instance, "instance stopped");
            break;
    }
}

void RedisSwitchboard::apply_remote(Placed placed, bool updated) {
    const std::string id = placed.member.peer.id;
    const Placed* known = index_.find(id);
    std::shared_ptr<Connection> replaced;
    bool announce_as_update = updated;
    if (known) {
        if (known->here()) {
            // The id was resumed on another instance: the newer connection wins, as within one
            // process. The hub's close of this one then finds the id elsewhere and stays quiet.
            if (known->joined > placed.joined) return;  // ours is the newer one
            replaced = known->connection.lock();
            log_event("replaced", {{"id", id}, {"by-instance", placed.instance}});
        }
        if (known->member.rooms.network != placed.member.rooms.network ||
            known->member.rooms.invite != placed.member.rooms.invite) {
            const Member before = known->member;
            index_.erase(id);
            announce_here(before, Change::left);
            announce_as_update = false;
        } else {
            announce_as_update = true;
        }
    }
    const Member member = placed.member;
    index_.put(std::move(placed));
    announce_here(member, announce_as_update ? Change::updated : Change::joined);
    if (replaced) {
        replaced->send(make_frame(protocol::serialize(protocol::ErrorMessage{
            protocol::code::kReplaced, "this id was resumed by a newer connection", ""})));
        replaced->close(kCloseReplaced, "replaced");
    }
}

void RedisSwitchboard::remove_remote(const std::string& id, const std::string& instance) {
    const Placed* placed = index_.find(id);
    if (placed == nullptr || placed->instance != instance) return;  // moved on, or never here
    const Member member = placed->member;
    index_.erase(id);
    announce_here(member, Change::left);
}

}  // namespace peerline::server
