// Accepts TCP connections and hands each to an http_session (plain or TLS: one mode per
// listener). Everything runs on the one io_context thread (net.hpp: its implicit strand).
#pragma once

#include <memory>

#include "http_session.hpp"
#include "net.hpp"

namespace peerline::server {

class Listener : public std::enable_shared_from_this<Listener> {
public:
    // `tls` null: plain HTTP/WS.
    Listener(net::io_context& ioc, std::shared_ptr<const HttpContext> context,
             std::shared_ptr<net::ssl::context> tls);

    // Open, bind and listen; on failure the error says why (address in use, permission...).
    beast::error_code listen(const tcp::endpoint& endpoint);
    tcp::endpoint local_endpoint() const;

    void run();   // start accepting
    void stop();  // stop accepting (shutdown)

    // A reloaded certificate (SIGHUP): connections accepted from now on use it. Open ones keep
    // theirs: each SSL object holds a reference to the OpenSSL context it was made from.
    void set_tls(std::shared_ptr<net::ssl::context> tls);

private:
    void do_accept();
    void on_accept(beast::error_code ec, Socket socket);

    net::io_context& ioc_;
    tcp::acceptor acceptor_;
    Timer accept_retry_;  // after a failed accept (EMFILE): pause instead of spinning
    std::shared_ptr<const HttpContext> context_;
    std::shared_ptr<net::ssl::context> tls_;
};

}  // namespace peerline::server
