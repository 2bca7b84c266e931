// peerline-server: serves the web app and relays signaling (DESIGN.md "The server").
// One io_context thread; SIGINT/SIGTERM close every WebSocket with 1001 and exit 0; SIGHUP
// reloads the TLS certificate.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "banner.hpp"
#include "qr_code.hpp"
#include "event_log.hpp"
#include "hub.hpp"
#include "identity.hpp"
#include "listener.hpp"
#include "local_switchboard.hpp"
#include "net.hpp"
#include "options.hpp"
#include "peer_id.hpp"
#include "redis_switchboard.hpp"
#include "static_site.hpp"
#include "tls.hpp"

namespace {

using namespace peerline::server;

constexpr auto kDrainTimeout = std::chrono::seconds(2);
constexpr auto kDrainPoll = std::chrono::milliseconds(20);

// After the WebSockets were asked to close, wait (bounded) for them to finish the close
// handshake, then stop: idle keep-alive HTTP connections must not hold the exit.
void drain_then_stop(net::io_context& ioc, std::shared_ptr<net::steady_timer> timer,
                     std::shared_ptr<Hub> hub, std::chrono::steady_clock::time_point deadline) {
    if (hub->connection_count() == 0 || std::chrono::steady_clock::now() >= deadline) {
        ioc.stop();
        return;
    }
    timer->expires_after(kDrainPoll);
    timer->async_wait([&ioc, timer, hub, deadline](beast::error_code) {
        drain_then_stop(ioc, timer, hub, deadline);
    });
}

// Every WebSocket holds a descriptor, and the soft limit is often far below the hard one
// (1024 vs 1M): take all the process may have. Returns the limit now in force.
rlim_t raise_open_file_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = raised.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    return limit.rlim_cur;
}

// The certificate: given, or self-signed beside the secret file (else in the working dir).
std::shared_ptr<net::ssl::context> tls_context(const Options& options) {
    if (!options.tls_cert.empty()) return make_tls_context({options.tls_cert, options.tls_key});
    if (!options.tls_self_signed) return nullptr;
    const std::filesystem::path dir = options.secret_file.empty()
                                          ? std::filesystem::current_path()
                                          : std::filesystem::absolute(options.secret_file).parent_path();
    const CertificateFiles files{(dir / "peerline-self-signed.crt").string(),
                                 (dir / "peerline-self-signed.key").string()};
    std::vector<std::string> names{"localhost", "127.0.0.1", "::1"};
    for (const auto& address : lan_addresses()) names.push_back(address.to_string());
    ensure_self_signed(files, names);
    log_event("tls", {{"certificate", files.cert}, {"self-signed", "yes"}});
    return make_tls_context(files);
}

// SIGHUP: read the certificate files again (or regenerate a deleted self-signed pair). On any
// error the listener keeps the certificate it has: a botched renewal must not take HTTPS down.
void reload_tls(const Options& options, Listener& listener) {
    try {
        auto fresh = tls_context(options);
        if (!fresh) {
            log_event("tls-reload", {{"result", "skipped"}, {"why", "not serving TLS"}});
            return;
        }
        listener.set_tls(std::move(fresh));
        log_event("tls-reload", {{"result", "ok"}});
    } catch (const std::exception& e) {
        log_event("tls-reload", {{"result", "failed"}, {"error", e.what()}, {"kept", "previous certificate"}});
    }
}

void reload_on_sighup(net::signal_set& hangups, const Options& options, Listener& listener) {
    hangups.async_wait([&hangups, &options, &listener](beast::error_code ec, int) {
        if (ec) return;  // cancelled on shutdown
        reload_tls(options, listener);
        reload_on_sighup(hangups, options, listener);
    });
}

void print_banner(const Options& options, const tcp::endpoint& endpoint, bool tls) {
    const auto address = endpoint.address();
    const auto port = endpoint.port();
    std::vector<net::ip::address> lan;
    net::ip::address local = address;
    if (address.is_unspecified()) {
        local = address.is_v6() ? net::ip::address(net::ip::address_v6::loopback())
                                : net::ip::address(net::ip::address_v4::loopback());
        for (const auto& a : lan_addresses()) {
            if (address.is_v6() || a.is_v4()) lan.push_back(a);
        }
    } else if (!address.is_loopback()) {
        lan.push_back(address);
    }
    std::string out = "Peerline listening on " + url_for(tls, local, port) + "\n";
    for (const auto& a : lan) out += "  on your network: " + url_for(tls, a, port) + "\n";
    if (options.qr && !lan.empty()) out += qr_terminal(url_for(tls, lan.front(), port));
    std::cout << out << std::flush;
}

int run(const Options& options) {
    set_log_format(options.log_format);
    std::error_code fs_error;
    if (!std::filesystem::is_directory(options.web_root, fs_error)) {
        log_event("warning", {{"message", "web root is not a directory; static files will be 404 until it exists"},
                              {"web_root", options.web_root}});
    }
    if (options.secret_file.empty() && options.secret_hex.empty()) {
        log_event("warning", {{"message", "no --secret-file: resume tokens will not survive a restart"}});
    }

    HubConfig config;
    config.limits = options.limits;
    config.tokens = std::make_shared<const ResumeTokens>(load_secret(options.secret_file, options.secret_hex));
    config.ice = std::make_shared<const IceServers>(options.stun_urls, options.turn_uris,
                                                    options.turn_secret, options.turn_ttl);
    config.metrics = std::make_shared<Metrics>();

    // First, so it outlives everything that holds its timers and sockets (the Redis link too).
    net::io_context ioc{1};
    std::unique_ptr<Switchboard> switchboard;
    RedisSwitchboard* redis = nullptr;
    if (options.redis_url.empty()) {
        switchboard = std::make_unique<LocalSwitchboard>();
    } else {
        std::string error;
        RedisSwitchboardConfig redis_config;
        redis_config.address = *parse_redis_url(options.redis_url, error);  // checked by the options
        redis_config.instance_id = options.instance_id.empty() ? make_peer_id().substr(0, 16) : options.instance_id;
        auto made = std::make_unique<RedisSwitchboard>(ioc, std::move(redis_config));
        redis = made.get();
        switchboard = std::move(made);
    }

    auto context = std::make_shared<HttpContext>();
    context->site = std::make_shared<const StaticSite>(options.web_root);
    context->hub = std::make_shared<Hub>(std::move(switchboard), std::move(config));
    context->origins = OriginPolicy(options.allow_origins);
    context->idle_timeout = options.idle_timeout;
    for (const auto& text : options.trust_proxy) {
        auto cidr = Cidr::parse(text);
        if (!cidr) throw std::runtime_error("--trust-proxy: not an address or CIDR: '" + text + "'");
        context->trusted_proxies.push_back(*cidr);
    }
    auto hub = context->hub;
    auto tls = tls_context(options);

    const rlim_t open_files = raise_open_file_limit();
    // Before the URL is printed: whoever reads it may signal at once, and a signal that comes
    // before its set exists takes the default action (SIGHUP would kill the process). Signals
    // that arrive before async_wait are queued by the set.
    net::signal_set hangups(ioc, SIGHUP);
    net::signal_set signals(ioc, SIGINT, SIGTERM);
    auto listener = std::make_shared<Listener>(ioc, context, tls);
    const tcp::endpoint endpoint{net::ip::make_address(options.address), options.port};
    if (auto ec = listener->listen(endpoint)) {
        std::cerr << "peerline-server: cannot listen on " << options.address << ":"
                  << options.port << ": " << ec.message() << "\n";
        return 1;
    }
    // --metrics-address: a plain-HTTP listener of its own that offers /metrics and /healthz.
    std::shared_ptr<Listener> metrics_listener;
    if (!options.metrics_host.empty()) {
        auto metrics_context = std::make_shared<HttpContext>(*context);
        metrics_context->role = ListenerRole::metrics;
        context->metrics_elsewhere = true;
        metrics_listener = std::make_shared<Listener>(ioc, metrics_context, nullptr);
        const tcp::endpoint metrics_endpoint{net::ip::make_address(options.metrics_host), options.metrics_port};
        if (auto ec = metrics_listener->listen(metrics_endpoint)) {
            std::cerr << "peerline-server: cannot listen on --metrics-address " << options.metrics_host << ":"
                      << options.metrics_port << ": " << ec.message() << "\n";
            return 1;
        }
    }
    listener->run();
    print_banner(options, listener->local_endpoint(), tls != nullptr);
    std::string metrics_url = "loopback clients of the main listener";
    if (metrics_listener) {
        metrics_listener->run();
        const auto bound = metrics_listener->local_endpoint();
        metrics_url = url_for(false, bound.address(), bound.port()) + "metrics";
        std::cout << "  metrics: " << metrics_url << "\n" << std::flush;
    }
    log_event("serving", {{"web_root", std::filesystem::absolute(options.web_root).string()},
                          {"websocket", "/ws"}, {"tls", tls ? "yes" : "no"}, {"metrics", metrics_url},
                          {"open_files", std::to_string(open_files)}});

    reload_on_sighup(hangups, options, *listener);
    // Local peers are served from the start; the link to the others comes up when Redis answers.
    if (redis) redis->start();

    signals.async_wait([&](beast::error_code ec, int signal) {
        if (ec) return;
        log_event("shutdown", {{"signal", signal}});
        listener->stop();
        if (metrics_listener) metrics_listener->stop();
        hangups.cancel();
        hub->stop();
        // First look after one poll, not at once: with no connection left the loop would stop
        // before the goodbye to the other instances (--redis) is written.
        auto timer = std::make_shared<net::steady_timer>(ioc);
        timer->expires_after(kDrainPoll);
        timer->async_wait([&ioc, timer, hub](beast::error_code) {
            drain_then_stop(ioc, timer, hub, std::chrono::steady_clock::now() + kDrainTimeout);
        });
    });

    ioc.run();
    log_event("stopped");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    const ParsedOptions parsed = parse_options(args);
    if (!parsed.error.empty()) {
        std::cerr << "peerline-server: " << parsed.error << "\n"
                  << "Try 'peerline-server --help'.\n";
        return 2;
    }
    if (parsed.options.help) {
        std::cout << usage_text();
        return 0;
    }
    try {
        return run(parsed.options);
    } catch (const std::exception& e) {
        // Only setup can throw here; handlers report errors through error codes.
        std::cerr << "peerline-server: " << e.what() << "\n";
        return 1;
    }
}
