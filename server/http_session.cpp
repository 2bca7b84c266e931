#include "http_session.hpp"

#include <type_traits>

#include "event_log.hpp"
#include "http_limits.hpp"
#include "peer_id.hpp"
#include "security_headers.hpp"
#include "ws_session.hpp"

namespace peerline::server {
namespace {

constexpr std::size_t kMaxBodyBytes = 16 * 1024;  // GET/HEAD carry none; enough to reject politely

}  // namespace

template <typename Stream>
HttpSession<Stream>::HttpSession(Stream&& stream, std::shared_ptr<const HttpContext> context)
    : stream_(std::move(stream)), context_(std::move(context)) {}

template <typename Stream>
void HttpSession<Stream>::run() {
    // Until the first request has been read, the handshake timeout applies.
    beast::get_lowest_layer(stream_).expires_after(context_->hub->limits().handshake_timeout);
    if constexpr (kIsTls<Stream>) {
        stream_.async_handshake(net::ssl::stream_base::server,
                                beast::bind_front_handler(&HttpSession::on_handshake, this->shared_from_this()));
    } else {
        net::dispatch(stream_.get_executor(),
                      beast::bind_front_handler(&HttpSession::do_read, this->shared_from_this()));
    }
}

template <typename Stream>
void HttpSession<Stream>::on_handshake(beast::error_code ec) {
    if (ec) return;  // not TLS, timed out, or no common cipher: nothing to answer
    do_read();
}

template <typename Stream>
void HttpSession<Stream>::do_read() {
    parser_.emplace();
    parser_->header_limit(kMaxHeaderBytes);
    parser_->body_limit(kMaxBodyBytes);
    if (!first_request_) beast::get_lowest_layer(stream_).expires_after(context_->idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::on_read, this->shared_from_this()));
}

template <typename Stream>
void HttpSession<Stream>::on_read(beast::error_code ec, std::size_t) {
    first_request_ = false;
    if (ec == http::error::end_of_stream) return do_close();
    if (ec == http::error::header_limit || ec == http::error::body_limit) {
        // Best effort: answer, then close (the rest of the request is not read).
        Request stub;
        stub.version(11);
        stub.keep_alive(false);
        auto status = ec == http::error::header_limit
                          ? oversized_head_status(parser_->get().target())
                          : http::status::payload_too_large;
        auto response = text_reply(stub, status, "request too large\n");
        response.keep_alive(false);
        return send(std::move(response));
    }
    if (ec) return;  // timeout, reset, malformed request: nothing useful to answer

    ++context_->hub->metrics().http_requests;
    const Request& request = parser_->get();
    if (request.target().size() > kMaxTargetBytes) {
        auto response = text_reply(request, http::status::uri_too_long, "request too large\n");
        response.keep_alive(false);
        return send(std::move(response));
    }
    const RouteRequest what{target_path(request.target()), websocket::is_upgrade(request),
                            request.method() == http::verb::get || request.method() == http::verb::head};
    const Route route = route_request(context_->role, context_->metrics_elsewhere, what, [&] {
        beast::error_code peer_error;
        const auto peer = beast::get_lowest_layer(stream_).socket().remote_endpoint(peer_error);
        return !peer_error && is_loopback_client(peer.address(), request["X-Forwarded-For"],
                                                 context_->trusted_proxies);
    });
    switch (route) {
        case Route::websocket:
            return upgrade();
        case Route::not_found:
            return send(text_reply(request, http::status::not_found, "not found\n"));
        case Route::metrics_forbidden:
            return send(text_reply(request, http::status::forbidden,
                                   "metrics are served to loopback clients only (see --metrics-address)\n"));
        case Route::metrics: {
            auto response = text_reply(request, http::status::ok,
                                       context_->hub->metrics().render(context_->hub->gauges()) +
                                           context_->hub->cluster_metrics());
            response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
            return send(std::move(response));
        }
        case Route::site:
            break;
    }
    if (what.path == "/healthz") {
        // With --redis, say how the link to the other instances is; 503 when this instance must
        // not take clients (its id is held by another live instance, or it is shutting down).
        const std::string cluster = context_->hub->cluster_state();
        if (!cluster.empty()) {
            const bool healthy = context_->hub->cluster_healthy();
            return send(text_reply(request, healthy ? http::status::ok : http::status::service_unavailable,
                                   (healthy ? "ok\n" : "unavailable\n") + cluster));
        }
    }
    Reply reply = context_->site->respond(request);
    std::visit([this](auto&& response) { send(std::move(response)); }, std::move(reply));
}

template <typename Stream>
void HttpSession<Stream>::upgrade() {
    // The websocket keeps its own timeouts; the HTTP deadline must not fire under it.
    beast::get_lowest_layer(stream_).expires_never();
    beast::error_code ec;
    const auto endpoint = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    Request request = parser_->release();
    const ClientAddress address =
        ec ? ClientAddress{"?", "?"}
           : client_address(endpoint.address(), request["X-Forwarded-For"],
                            context_->trusted_proxies);

    std::optional<Refusal> refusal;
    if (!context_->origins.allows(request[http::field::origin], request[http::field::host])) {
        refusal = Refusal{protocol::code::kOriginNotAllowed,
                          "this server does not accept WebSockets from that page's origin",
                          websocket::close_code::policy_error};
    }
    std::shared_ptr<WsSession<Stream>> session;
    if constexpr (kIsTls<Stream>) {
        session = std::make_shared<WsSession<Stream>>(std::move(stream_), context_->hub, make_peer_id());
    } else {
        session = std::make_shared<WsSession<Stream>>(Stream(stream_.release_socket()), context_->hub,
                                                      make_peer_id());
    }
    session->run(std::move(request), address, std::move(refusal));
}

template <typename Stream>
template <typename Body>
void HttpSession<Stream>::send(http::response<Body>&& response) {
    auto owned = std::make_shared<http::response<Body>>(std::move(response));
    set_security_headers(*owned, kIsTls<Stream>);  // here, so no reply of any route goes without
    response_ = owned;
    http::async_write(stream_, *owned,
                      beast::bind_front_handler(&HttpSession::on_write, this->shared_from_this(),
                                                owned->need_eof()));
}

template <typename Stream>
void HttpSession<Stream>::on_write(bool close, beast::error_code ec, std::size_t) {
    response_.reset();
    if (ec) return;
    if (close) return do_close();
    do_read();
}

template <typename Stream>
void HttpSession<Stream>::do_close() {
    if constexpr (kIsTls<Stream>) {
        beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
        stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    } else {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
}

template class HttpSession<PlainStream>;
template class HttpSession<TlsStream>;

}  // namespace peerline::server
