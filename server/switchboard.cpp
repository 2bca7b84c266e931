#include "switchboard.hpp"

#include <map>

namespace peerline::server {

void send_presence(const Member& subject, Change change, const PresenceTargets& targets) {
    std::map<std::vector<std::string>, Frame> frames;
    for (const auto& [target, via] : targets) {
        auto& frame = frames[change == Change::left ? std::vector<std::string>{} : via];
        if (!frame) {
            if (change == Change::left) {
                frame = make_frame(protocol::serialize(protocol::PeerLeft{subject.peer.id}));
            } else {
                protocol::PeerInfo peer = subject.peer;
                peer.via = via;
                frame = make_frame(protocol::serialize(
                    protocol::ServerMessage{protocol::PeerJoined{std::move(peer), change == Change::updated}}));
            }
        }
        target->send(frame);
    }
}

}  // namespace peerline::server
