#include "http_session.hpp"

#include <chrono>

#include "event_log.hpp"
#include "peer_id.hpp"
#include "ws_session.hpp"

namespace peerline::server {
namespace {

constexpr auto kRequestTimeout = std::chrono::seconds(30);
constexpr std::size_t kMaxHeaderBytes = 16 * 1024;
constexpr std::size_t kMaxBodyBytes = 16 * 1024;  // GET/HEAD carry none; enough to reject politely

}  // namespace

HttpSession::HttpSession(tcp::socket&& socket, std::shared_ptr<const StaticSite> site,
                         std::shared_ptr<Hub> hub)
    : stream_(std::move(socket)), site_(std::move(site)), hub_(std::move(hub)) {}

void HttpSession::run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
}

void HttpSession::do_read() {
    parser_.emplace();
    parser_->header_limit(kMaxHeaderBytes);
    parser_->body_limit(kMaxBodyBytes);
    stream_.expires_after(kRequestTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return do_close();
    if (ec == http::error::header_limit || ec == http::error::body_limit) {
        // Best effort: answer, then close (the rest of the request is not read).
        Request stub;
        stub.version(11);
        stub.keep_alive(false);
        auto status = ec == http::error::header_limit
                          ? http::status::request_header_fields_too_large
                          : http::status::payload_too_large;
        auto response = text_reply(stub, status, "request too large\n");
        response.keep_alive(false);
        return send(std::move(response));
    }
    if (ec) return;  // timeout, reset, malformed request: nothing useful to answer

    const Request& request = parser_->get();
    if (websocket::is_upgrade(request)) {
        if (target_path(request.target()) == "/ws") return upgrade();
        return send(text_reply(request, http::status::not_found, "not found\n"));
    }
    Reply reply = site_->respond(request);
    std::visit([this](auto&& response) { send(std::move(response)); }, std::move(reply));
}

void HttpSession::upgrade() {
    // The websocket keeps its own timeouts; the HTTP deadline must not fire under it.
    stream_.expires_never();
    beast::error_code ec;
    const auto endpoint = stream_.socket().remote_endpoint(ec);
    std::string remote = ec ? std::string("?") : endpoint.address().to_string() + ":" +
                                                    std::to_string(endpoint.port());
    std::make_shared<WsSession>(stream_.release_socket(), hub_, make_peer_id())
        ->run(parser_->release(), std::move(remote));
}

template <typename Body>
void HttpSession::send(http::response<Body>&& response) {
    auto owned = std::make_shared<http::response<Body>>(std::move(response));
    response_ = owned;
    http::async_write(stream_, *owned,
                      beast::bind_front_handler(&HttpSession::on_write, shared_from_this(),
                                                owned->need_eof()));
}

void HttpSession::on_write(bool close, beast::error_code ec, std::size_t) {
    response_.reset();
    if (ec) return;
    if (close) return do_close();
    do_read();
}

void HttpSession::do_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace peerline::server
