// One HTTP/1.1 connection: reads a request at a time (bounded header and body), answers from
// the static site, or hands the socket to a ws_session when it upgrades on /ws.
#pragma once

#include <boost/optional.hpp>
#include <memory>

#include "hub.hpp"
#include "net.hpp"
#include "static_site.hpp"

namespace peerline::server {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
public:
    HttpSession(tcp::socket&& socket, std::shared_ptr<const StaticSite> site,
                std::shared_ptr<Hub> hub);

    void run();

private:
    void do_read();
    void on_read(beast::error_code ec, std::size_t bytes);
    void upgrade();

    template <typename Body>
    void send(http::response<Body>&& response);
    void on_write(bool close, beast::error_code ec, std::size_t bytes);
    void do_close();

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::shared_ptr<const StaticSite> site_;
    std::shared_ptr<Hub> hub_;
    boost::optional<http::request_parser<http::string_body>> parser_;
    std::shared_ptr<void> response_;  // keeps the response alive while it is written
};

}  // namespace peerline::server
