// The RTCIceServer[] each client gets in `welcome`: STUN URLs as given, and TURN URIs with
// ephemeral credentials in the TURN REST scheme that coturn's `use-auth-secret` checks
// (draft-uberti-behave-turn-rest-00 §2.2): username "<expiry unix time>:<id>",
// credential base64(HMAC-SHA1(secret, username)).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace peerline::server {

struct TurnCredential {
    std::string username;
    std::string credential;
};

TurnCredential turn_credential(const std::string& secret, const std::string& id,
                               std::chrono::system_clock::time_point expiry);

class IceServers {
public:
    IceServers(std::vector<std::string> stun_urls, std::vector<std::string> turn_uris,
               std::string turn_secret, std::chrono::seconds ttl);

    nlohmann::json for_peer(const std::string& id, std::chrono::system_clock::time_point now) const;

private:
    std::vector<std::string> stun_urls_;
    std::vector<std::string> turn_uris_;
    std::string turn_secret_;
    std::chrono::seconds ttl_;
};

}  // namespace peerline::server
