// One connection to Redis through hiredis's async API on the server's Asio loop (redis_asio):
// resolve without blocking the loop, connect with a deadline, AUTH and SELECT, then commands
// whose replies come back in order, or a subscription. It reports `up` once, then `down` once
// with a reason (refused, timed out, dropped, AUTH failed ...); it never reconnects by itself:
// its owner decides when to try again. All calls on the io_context's thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <hiredis/async.h>

#include "net.hpp"
#include "redis_url.hpp"

namespace peerline::server {

class RedisConnection {
public:
    using Up = std::function<void()>;
    using Down = std::function<void(const std::string& reason)>;
    // A reply, or nullptr if the connection went away before it came.
    using Reply = std::function<void(redisReply*)>;
    using Message = std::function<void(std::string_view channel, std::string_view payload)>;

    RedisConnection(net::io_context& ioc, std::string name);
    ~RedisConnection();
    RedisConnection(const RedisConnection&) = delete;
    RedisConnection& operator=(const RedisConnection&) = delete;

    void connect(const RedisAddress& address, std::chrono::milliseconds timeout, Up up, Down down);
    // Drop the connection now; `down` is not called. Pending replies get nullptr.
    void close();
    bool ready() const { return ready_; }

    // False (and nothing sent) unless ready. `reply` may be empty: the reply is discarded
    // (error replies are logged).
    bool command(const std::vector<std::string_view>& args, Reply reply = {});
    // The allocation-free form for the hot path: `fn(context, reply, privdata)`.
    bool command_raw(const std::vector<std::string_view>& args, redisCallbackFn* fn, void* privdata);
    // SUBSCRIBE to `channels`; `subscribed` once Redis confirmed all of them.
    bool subscribe(const std::vector<std::string>& channels, Message message, Up subscribed);

private:
    void on_resolved(const tcp::resolver::results_type& results);
    void handshake();
    void fail(const std::string& reason);
    void release_context();
    static void on_connect(const redisAsyncContext* context, int status);
    static void on_disconnect(const redisAsyncContext* context, int status);
    static void on_reply(redisAsyncContext* context, void* reply, void* privdata);
    static void on_error_only(redisAsyncContext* context, void* reply, void* privdata);
    static void on_subscription(redisAsyncContext* context, void* reply, void* privdata);

    net::io_context& ioc_;
    std::string name_;  // "commands" / "subscriber": for logs
    RedisAddress address_;
    tcp::resolver resolver_;
    Timer deadline_;
    redisAsyncContext* context_ = nullptr;
    Up up_;
    Down down_;
    Message message_;
    Up subscribed_;
    std::size_t unconfirmed_channels_ = 0;
    bool ready_ = false;
    std::uint64_t generation_ = 0;  // bumped by close(): late resolver results are ignored
    std::size_t rotation_ = 0;      // which of the resolved addresses the next attempt uses
};

}  // namespace peerline::server
