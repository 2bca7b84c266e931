// Idle mode: open many connections, say hello on each, then sit still (reading whatever the
// server sends: presence, pings) for a fixed time. Spread over 127.x source addresses,
// `per_source` each, so the kernel's per-address ephemeral ports are never the limit and
// network rooms stay small. Prints `READY ...` on stdout once every connection is welcomed
// (run.sh then samples the server's memory), `RESULT ...` when the hold is over.
#include <csignal>
#include <cstdio>
#include <memory>

#include "modes.hpp"

namespace peerline::load {
namespace {

struct IdleRun;

struct IdleClient {
    IdleClient(IdleRun& run, net::io_context& ioc) : run(run), ws(ioc) {}

    IdleRun& run;
    WebSocket ws;
    beast::flat_buffer in;
    net::ip::address_v4 source;
    bool ready = false;
    bool alive = false;

    void start();
    void fail(const char* what, beast::error_code ec);
    void on_handshake(beast::error_code ec);
    void do_read();
    void on_read(beast::error_code ec, std::size_t);
};

struct IdleRun {
    explicit IdleRun(const IdleConfig& config) : config(config), hold(ioc), signals(ioc, SIGINT, SIGTERM) {}

    const IdleConfig& config;
    net::io_context ioc{1};
    net::steady_timer hold;
    net::signal_set signals;
    std::vector<std::unique_ptr<IdleClient>> clients;
    std::size_t next = 0;
    std::size_t ready = 0, failed = 0, lost = 0, frames = 0, max_peers = 0;
    bool closing = false;
    std::uint64_t t_begin = 0;
    const std::string hello = R"({"type":"hello","v":1,"name":"idle","device":"desktop"})";

    void connect_more() {
        const auto limit = ready + failed + static_cast<std::size_t>(config.connect_concurrency);
        while (next < clients.size() && next < limit) clients[next++]->start();
        if (ready + failed == clients.size()) all_connected();
    }

    void on_ready() {
        ++ready;
        connect_more();
    }
    void on_failed() {
        ++failed;
        connect_more();
    }

    void all_connected() {
        if (hold_started) return;
        hold_started = true;
        const double secs = static_cast<double>(now_ns() - t_begin) * 1e-9;
        std::printf("READY connections=%zu failed=%zu connect_s=%.1f max_welcome_peers=%zu\n", ready,
                    failed, secs, max_peers);
        std::fflush(stdout);
        std::fprintf(stderr, "idle: %zu connected (%zu failed) in %.1f s; holding %.0f s\n", ready,
                     failed, secs, config.hold_s);
        hold.expires_after(std::chrono::milliseconds(static_cast<long>(config.hold_s * 1000)));
        hold.async_wait([this](beast::error_code ec) {
            if (!ec) finish();
        });
    }
    bool hold_started = false;

    void finish() {
        if (closing) return;
        closing = true;
        hold.cancel();
        signals.cancel();
        std::printf("RESULT mode=idle connections=%zu failed=%zu lost=%zu frames=%zu max_welcome_peers=%zu\n",
                    ready, failed, lost, frames, max_peers);
        std::fflush(stdout);
        ioc.stop();  // sockets close with the process: a mass close handshake would measure nothing
    }
};

void IdleClient::start() {
    beast::error_code ec;
    open_bound(ws, source, ec);
    if (ec) return fail("bind", ec);
    configure_client(ws, run.config.target.host_port());
    ws.read_message_max(16 * 1024 * 1024);
    const tcp::endpoint server(net::ip::make_address(run.config.target.host), run.config.target.port);
    ws.next_layer().async_connect(server, [this](beast::error_code e) {
        if (e) return fail("connect", e);
        ws.async_handshake(run.config.target.host_port(), "/ws",
                           [this](beast::error_code e2) { on_handshake(e2); });
    });
}

void IdleClient::fail(const char* what, beast::error_code ec) {
    if (run.failed < 3) {
        std::fprintf(stderr, "idle: %s from %s failed: %s\n", what, source.to_string().c_str(),
                     ec.message().c_str());
    }
    run.on_failed();
}

void IdleClient::on_handshake(beast::error_code ec) {
    if (ec) return fail("handshake", ec);
    alive = true;
    if (run.config.hello) {
        ws.text(true);
        // A failed write also fails the read below, which reports it.
        ws.async_write(net::buffer(run.hello), [](beast::error_code, std::size_t) {});
    } else {
        ready = true;
        run.on_ready();
    }
    do_read();
}

void IdleClient::do_read() {
    ws.async_read(in, [this](beast::error_code e, std::size_t n) { on_read(e, n); });
}

void IdleClient::on_read(beast::error_code ec, std::size_t) {
    if (ec) {
        alive = false;
        if (!run.closing) {
            if (run.lost++ < 3) std::fprintf(stderr, "idle: connection lost: %s\n", ec.message().c_str());
            if (!ready) run.on_failed();
        }
        return;
    }
    ++run.frames;
    if (!ready) {
        const auto data = in.cdata();
        const std::string_view frame(static_cast<const char*>(data.data()), data.size());
        if (is_type(frame, "\"type\":\"welcome\"")) {
            ready = true;
            run.max_peers = std::max(run.max_peers, welcome_peer_count(frame));
            in.consume(in.size());
            in.shrink_to_fit();  // a big roster must not stay allocated for the whole hold
            run.on_ready();
            return do_read();
        }
    }
    in.consume(in.size());
    do_read();
}

}  // namespace

int run_idle(const IdleConfig& config) {
    IdleRun run(config);
    for (int i = 0; i < config.connections; ++i) {
        auto client = std::make_unique<IdleClient>(run, run.ioc);
        client->source = source_address(config.source_base,
                                        static_cast<std::size_t>(i / std::max(1, config.per_source)));
        run.clients.push_back(std::move(client));
    }
    run.signals.async_wait([&run](beast::error_code ec, int) {
        if (!ec) run.finish();
    });
    net::steady_timer deadline(run.ioc);
    deadline.expires_after(std::chrono::milliseconds(static_cast<long>(config.connect_timeout_s * 1000)));
    deadline.async_wait([&run](beast::error_code ec) {
        if (ec || run.hold_started) return;
        std::fprintf(stderr, "idle: only %zu of %zu welcomed within the connect timeout\n",
                     run.ready, run.clients.size());
        run.all_connected();
    });
    run.t_begin = now_ns();
    net::post(run.ioc, [&run] { run.connect_more(); });
    run.ioc.run();
    return run.failed == 0 && run.lost == 0 ? 0 : 3;
}

}  // namespace peerline::load
