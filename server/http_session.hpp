// One HTTP/1.1 connection over plain TCP or TLS: reads a request at a time (bounded header and
// body), answers from the static site, /healthz or /metrics, or hands the stream to a
// ws_session when it upgrades on /ws (after the Origin check).
#pragma once

#include <boost/optional.hpp>
#include <chrono>
#include <memory>
#include <vector>

#include "client_address.hpp"
#include "http_routes.hpp"
#include "hub.hpp"
#include "net.hpp"
#include "origin_policy.hpp"
#include "static_site.hpp"
#include "streams.hpp"

namespace peerline::server {

// What every HTTP connection shares.
struct HttpContext {
    std::shared_ptr<const StaticSite> site;
    std::shared_ptr<Hub> hub;
    OriginPolicy origins{{}};
    std::vector<Cidr> trusted_proxies;
    std::chrono::milliseconds idle_timeout{60'000};
    ListenerRole role = ListenerRole::app;
    bool metrics_elsewhere = false;  // --metrics-address: /metrics has a listener of its own
};

template <typename Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
public:
    HttpSession(Stream&& stream, std::shared_ptr<const HttpContext> context);

    void run();

private:
    void on_handshake(beast::error_code ec);
    void do_read();
    void on_read(beast::error_code ec, std::size_t bytes);
    void upgrade();

    template <typename Body>
    void send(http::response<Body>&& response);
    void on_write(bool close, beast::error_code ec, std::size_t bytes);
    void do_close();

    Stream stream_;
    beast::flat_buffer buffer_;
    std::shared_ptr<const HttpContext> context_;
    boost::optional<http::request_parser<http::string_body>> parser_;
    std::shared_ptr<void> response_;  // keeps the response alive while it is written
    bool first_request_ = true;
};

}  // namespace peerline::server
