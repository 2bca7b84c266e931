#include "ice_servers.hpp"

#include "crypto.hpp"

namespace peerline::server {

TurnCredential turn_credential(const std::string& secret, const std::string& id,
                               std::chrono::system_clock::time_point expiry) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(expiry.time_since_epoch());
    TurnCredential out;
    out.username = std::to_string(seconds.count()) + ":" + id;
    out.credential = to_base64(hmac_sha1(secret, out.username));
    return out;
}

IceServers::IceServers(std::vector<std::string> stun_urls, std::vector<std::string> turn_uris,
                       std::string turn_secret, std::chrono::seconds ttl)
    : stun_urls_(std::move(stun_urls)), turn_uris_(std::move(turn_uris)),
      turn_secret_(std::move(turn_secret)), ttl_(ttl) {}

nlohmann::json IceServers::for_peer(const std::string& id,
                                    std::chrono::system_clock::time_point now) const {
    auto servers = nlohmann::json::array();
    if (!stun_urls_.empty()) servers.push_back({{"urls", stun_urls_}});
    if (!turn_uris_.empty()) {
        const auto credential = turn_credential(turn_secret_, id, now + ttl_);
        servers.push_back({{"urls", turn_uris_},
                           {"username", credential.username},
                           {"credential", credential.credential}});
    }
    return servers;
}

}  // namespace peerline::server
