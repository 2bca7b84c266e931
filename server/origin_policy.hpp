// Which pages may open a WebSocket here (cross-site WebSocket hijacking defence). Same origin
// by default: the Origin's host[:port] must equal the Host header. `--allow-origin` adds exact
// origins ("https://app.example"), or "*" for any. A request without Origin is not from a
// browser page (browsers always send it on WebSocket upgrades) and is allowed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace peerline::server {

class OriginPolicy {
public:
    explicit OriginPolicy(std::vector<std::string> allowed);

    bool allows(std::string_view origin, std::string_view host) const;

private:
    std::vector<std::string> allowed_;  // lowercased, no trailing '/'
    bool any_ = false;
};

}  // namespace peerline::server
