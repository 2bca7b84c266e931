// libFuzzer target: any bytes as a payload one instance got from another through Redis
// (server/cluster_messages, docs/deploy.md "Many machines"). Redis is shared: a payload may come
// from an older instance, a bug, or someone with access to Redis, so it is foreign input.
// Checks what the Redis switchboard relies on:
//   - decode and decode_presence never crash, and a refusal always says why;
//   - a decoded delivery has a known kind of sender instance and fields without the separator, and
//     encoding it again decodes to the same fields (so what we forward is what we were given);
//   - a decoded bounce names "signal" or "binary";
//   - a decoded presence encodes and decodes again to the same kind, instance, ids and names.
// Input: [mode u8][payload]: mode bit 0 picks the delivery channel (0) or the presence one (1).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cluster_messages.hpp"

using namespace peerline::server;

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

void delivery_channel(std::string_view payload) {
    std::string error;
    const cluster::Decoded decoded = cluster::decode(payload, error);
    check(!decoded.delivery || !decoded.bounce);
    if (!decoded.delivery && !decoded.bounce) return check(!error.empty());
    if (decoded.bounce) {
        check(decoded.bounce->ref == "signal" || decoded.bounce->ref == "binary");
        const std::string again = cluster::encode_bounce(*decoded.bounce);
        std::string error2;
        const cluster::Decoded twice = cluster::decode(again, error2);
        check(twice.bounce && twice.bounce->ref == decoded.bounce->ref && twice.bounce->to == decoded.bounce->to);
        return;
    }
    const cluster::Delivery& d = *decoded.delivery;
    check(cluster::valid_instance_id(d.sender_instance));
    for (std::string_view field : {d.to, std::string_view(d.sender.network), std::string_view(d.sender.invite)}) {
        check(field.find('\n') == std::string_view::npos);
    }
    const std::string again = cluster::encode_delivery(d);
    std::string error2;
    const cluster::Decoded twice = cluster::decode(again, error2);
    check(twice.delivery.has_value());
    const cluster::Delivery& e = *twice.delivery;
    check(e.binary == d.binary && e.to == d.to && e.sender_instance == d.sender_instance &&
          e.sender.network == d.sender.network && e.sender.invite == d.sender.invite && e.frame == d.frame);
    (void)cluster::sender_of(d.frame, d.binary);  // any frame: "" or a sender, never a crash
}

void presence_channel(std::string_view payload) {
    std::string error;
    const auto presence = cluster::decode_presence(payload, error);
    if (!presence) return check(!error.empty());
    check(presence->kind == 'J' || presence->kind == 'L' || presence->kind == 'S' || presence->kind == 'X');
    check(cluster::valid_instance_id(presence->instance));
    const std::string again = cluster::encode_presence(*presence);
    std::string error2;
    const auto twice = cluster::decode_presence(again, error2);
    check(twice.has_value());
    check(twice->kind == presence->kind && twice->instance == presence->instance && twice->id == presence->id &&
          twice->members.size() == presence->members.size());
    for (std::size_t i = 0; i < presence->members.size(); ++i) {
        const Member& a = presence->members[i].member;
        const Member& b = twice->members[i].member;
        check(a.peer.id == b.peer.id && a.peer.name == b.peer.name && a.rooms.network == b.rooms.network &&
              a.rooms.invite == b.rooms.invite && presence->members[i].joined == twice->members[i].joined);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::string_view payload(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] & 1) presence_channel(payload);
    else delivery_channel(payload);
    return 0;
}
