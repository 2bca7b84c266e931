// Which endpoint answers a request on which listener (docs/protocol.md "HTTP endpoints").
// /metrics counts are for operators, not the public: on the app's listener only loopback
// clients may read them, unless --metrics-address gives them a listener of their own, which in
// turn serves nothing but /metrics and /healthz.
#pragma once

#include <string_view>
#include <vector>

#include "client_address.hpp"
#include "net.hpp"

namespace peerline::server {

enum class ListenerRole { app, metrics };

enum class Route {
    websocket,          // upgrade on /ws
    metrics,            // the Prometheus text
    metrics_forbidden,  // /metrics on the app listener from a client that is not loopback
    not_found,          // not offered on this listener
    site,               // static files, /healthz, /qr.svg
};

struct RouteRequest {
    std::string_view path;  // without the query string
    bool websocket_upgrade = false;
    bool read_only = false;  // GET or HEAD
};

// `client_is_loopback` is asked only for /metrics on the app listener.
template <typename IsLoopback>
Route route_request(ListenerRole role, bool metrics_elsewhere, const RouteRequest& request,
                    IsLoopback&& client_is_loopback) {
    const bool metrics = request.path == "/metrics" && request.read_only && !request.websocket_upgrade;
    if (role == ListenerRole::metrics) {
        if (metrics) return Route::metrics;
        return request.path == "/healthz" && !request.websocket_upgrade ? Route::site : Route::not_found;
    }
    if (request.websocket_upgrade) return request.path == "/ws" ? Route::websocket : Route::not_found;
    if (!metrics) return Route::site;
    if (metrics_elsewhere) return Route::not_found;
    return client_is_loopback() ? Route::metrics : Route::metrics_forbidden;
}

// The client as rooms see it (a trusted proxy's X-Forwarded-For believed) is on this host.
// Behind a local reverse proxy every socket peer is loopback, so the forwarded address decides.
bool is_loopback_client(const net::ip::address& peer, std::string_view x_forwarded_for,
                        const std::vector<Cidr>& trusted_proxies);

}  // namespace peerline::server
