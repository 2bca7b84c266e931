#include "redis_connection.hpp"

#include <iterator>

#include <hiredis/hiredis.h>

#include "event_log.hpp"
#include "redis_asio.hpp"

namespace peerline::server {
namespace {

bool send_argv(redisAsyncContext* context, const std::vector<std::string_view>& args, redisCallbackFn* fn,
               void* privdata) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (const auto& arg : args) {
        argv.push_back(arg.data());
        lengths.push_back(arg.size());
    }
    return redisAsyncCommandArgv(context, fn, privdata, static_cast<int>(argv.size()), argv.data(),
                                 lengths.data()) == REDIS_OK;
}

std::string_view text_of(const redisReply* reply) {
    return reply && reply->str ? std::string_view(reply->str, reply->len) : std::string_view();
}

}  // namespace

RedisConnection::RedisConnection(net::io_context& ioc, std::string name)
    : ioc_(ioc), name_(std::move(name)), resolver_(ioc), deadline_(ioc.get_executor()) {}

RedisConnection::~RedisConnection() { close(); }

void RedisConnection::connect(const RedisAddress& address, std::chrono::milliseconds timeout, Up up, Down down) {
    close();
    address_ = address;
    up_ = std::move(up);
    down_ = std::move(down);
    const auto generation = ++generation_;
    deadline_.expires_after(timeout);
    deadline_.async_wait([this, generation](const boost::system::error_code& ec) {
        if (ec || generation != generation_ || ready_) return;
        fail("no answer within the connect timeout");
    });
    // A host name is resolved off the loop's critical path: hiredis would block in getaddrinfo.
    resolver_.async_resolve(address.host, std::to_string(address.port),
                            [this, generation](const boost::system::error_code& ec,
                                               const tcp::resolver::results_type& results) {
                                if (ec == net::error::operation_aborted || generation != generation_) return;
                                if (ec || results.empty()) return fail("cannot resolve " + address_.host + ": " + ec.message());
                                on_resolved(results);
                            });
}

void RedisConnection::on_resolved(const tcp::resolver::results_type& results) {
    // A name with several addresses (localhost: ::1 and 127.0.0.1): each attempt takes the next.
    auto it = results.begin();
    std::advance(it, static_cast<std::ptrdiff_t>(rotation_++ % results.size()));
    const tcp::endpoint endpoint = it->endpoint();
    const std::string ip = endpoint.address().to_string();
    context_ = redisAsyncConnect(ip.c_str(), endpoint.port());
    if (context_ == nullptr) return fail("cannot allocate a hiredis context");
    if (context_->err) {
        const std::string reason = context_->errstr;
        release_context();
        return fail(reason);
    }
    context_->data = this;
    if (!attach_to_asio(context_, ioc_)) {
        release_context();
        return fail("cannot attach the hiredis context to the event loop");
    }
    redisAsyncSetConnectCallback(context_, &RedisConnection::on_connect);
    redisAsyncSetDisconnectCallback(context_, &RedisConnection::on_disconnect);
}

void RedisConnection::on_connect(const redisAsyncContext* context, int status) {
    auto* self = static_cast<RedisConnection*>(context->data);
    if (self == nullptr) return;
    if (status != REDIS_OK) {
        // hiredis frees the context after this callback.
        const_cast<redisAsyncContext*>(context)->data = nullptr;
        self->context_ = nullptr;
        return self->fail(context->errstr ? context->errstr : "connect failed");
    }
    self->handshake();
}

void RedisConnection::on_disconnect(const redisAsyncContext* context, int status) {
    auto* self = static_cast<RedisConnection*>(context->data);
    if (self == nullptr) return;
    const_cast<redisAsyncContext*>(context)->data = nullptr;
    self->context_ = nullptr;  // hiredis frees it after this callback
    self->fail(status == REDIS_OK ? "closed" : (context->errstr ? context->errstr : "connection lost"));
}

void RedisConnection::handshake() {
    auto after_auth = [this] {
        auto done = [this] {
            ready_ = true;
            deadline_.cancel();
            if (auto up = up_) up();
        };
        if (address_.db == 0) return done();
        const std::string db = std::to_string(address_.db);
        send_argv(context_, {"SELECT", db}, &RedisConnection::on_reply, new Reply([this, done](redisReply* reply) {
            if (reply == nullptr) return;
            if (reply->type == REDIS_REPLY_ERROR) return fail("SELECT refused: " + std::string(text_of(reply)));
            done();
        }));
    };
    if (address_.password.empty()) return after_auth();
    std::vector<std::string_view> args{"AUTH"};
    if (!address_.user.empty()) args.push_back(address_.user);
    args.push_back(address_.password);
    send_argv(context_, args, &RedisConnection::on_reply, new Reply([this, after_auth](redisReply* reply) {
        if (reply == nullptr) return;
        if (reply->type == REDIS_REPLY_ERROR) return fail("AUTH refused: " + std::string(text_of(reply)));
        after_auth();
    }));
}

void RedisConnection::fail(const std::string& reason) {
    ready_ = false;
    deadline_.cancel();
    ++generation_;
    release_context();
    auto down = std::move(down_);
    down_ = {};
    up_ = {};
    if (down) down(reason);
}

void RedisConnection::release_context() {
    if (context_ == nullptr) return;
    redisAsyncContext* context = context_;
    context_ = nullptr;
    context->data = nullptr;  // its callbacks must not reach us any more
    // Inside a hiredis callback this is deferred by hiredis until the callback returns.
    redisAsyncFree(context);
}

void RedisConnection::close() {
    ++generation_;
    resolver_.cancel();
    deadline_.cancel();
    down_ = {};
    up_ = {};
    ready_ = false;
    release_context();
}

bool RedisConnection::command(const std::vector<std::string_view>& args, Reply reply) {
    if (!ready_ || context_ == nullptr) return false;
    if (!reply) return send_argv(context_, args, &RedisConnection::on_error_only, nullptr);
    auto* owned = new Reply(std::move(reply));
    if (send_argv(context_, args, &RedisConnection::on_reply, owned)) return true;
    delete owned;
    return false;
}

bool RedisConnection::command_raw(const std::vector<std::string_view>& args, redisCallbackFn* fn, void* privdata) {
    if (!ready_ || context_ == nullptr) return false;
    return send_argv(context_, args, fn, privdata);
}

bool RedisConnection::subscribe(const std::vector<std::string>& channels, Message message, Up subscribed) {
    if (!ready_ || context_ == nullptr || channels.empty()) return false;
    message_ = std::move(message);
    subscribed_ = std::move(subscribed);
    unconfirmed_channels_ = channels.size();
    std::vector<std::string_view> args{"SUBSCRIBE"};
    for (const auto& channel : channels) args.emplace_back(channel);
    return send_argv(context_, args, &RedisConnection::on_subscription, this);
}

void RedisConnection::on_reply(redisAsyncContext*, void* reply, void* privdata) {
    std::unique_ptr<Reply> owned(static_cast<Reply*>(privdata));
    (*owned)(static_cast<redisReply*>(reply));
}

void RedisConnection::on_error_only(redisAsyncContext*, void* raw, void*) {
    const auto* reply = static_cast<redisReply*>(raw);
    if (reply && reply->type == REDIS_REPLY_ERROR) log_event("redis-error", {{"error", std::string(text_of(reply))}});
}

void RedisConnection::on_subscription(redisAsyncContext* context, void* raw, void* privdata) {
    const auto* reply = static_cast<redisReply*>(raw);
    auto* self = static_cast<RedisConnection*>(privdata);
    // nullptr: the connection is going away (its `down` tells the owner).
    if (reply == nullptr || context->data == nullptr || self == nullptr) return;
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 3) return;
    const std::string_view kind = text_of(reply->element[0]);
    if (kind == "message") {
        if (self->message_) self->message_(text_of(reply->element[1]), text_of(reply->element[2]));
    } else if (kind == "subscribe") {
        if (self->unconfirmed_channels_ > 0 && --self->unconfirmed_channels_ == 0 && self->subscribed_) {
            self->subscribed_();
        }
    }
}

}  // namespace peerline::server
