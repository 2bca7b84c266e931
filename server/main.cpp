// peerline-server: serves the web app and relays signaling (DESIGN.md "The server").
// One io_context thread; SIGINT/SIGTERM close every WebSocket with 1001 and exit 0.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "event_log.hpp"
#include "hub.hpp"
#include "listener.hpp"
#include "local_switchboard.hpp"
#include "net.hpp"
#include "options.hpp"
#include "static_site.hpp"

namespace {

using namespace peerline::server;

constexpr auto kDrainTimeout = std::chrono::seconds(2);
constexpr auto kDrainPoll = std::chrono::milliseconds(20);

// The URL a person on this machine can open: an unspecified bind address means loopback works.
std::string local_url(const tcp::endpoint& endpoint) {
    const auto address = endpoint.address();
    std::string host;
    if (address.is_unspecified()) {
        host = address.is_v6() ? "[::1]" : "127.0.0.1";
    } else if (address.is_v6()) {
        host = "[" + address.to_string() + "]";
    } else {
        host = address.to_string();
    }
    return "http://" + host + ":" + std::to_string(endpoint.port()) + "/";
}

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

int run(const Options& options) {
    std::error_code fs_error;
    if (!std::filesystem::is_directory(options.web_root, fs_error)) {
        log_event("warning: web root '", options.web_root,
                  "' is not a directory; static files will be 404 until it exists");
    }

    net::io_context ioc{1};
    auto site = std::make_shared<const StaticSite>(options.web_root);
    auto hub = std::make_shared<Hub>(std::make_unique<LocalSwitchboard>());
    auto listener = std::make_shared<Listener>(ioc, site, hub);

    const tcp::endpoint endpoint{net::ip::make_address(options.address), options.port};
    if (auto ec = listener->listen(endpoint)) {
        std::cerr << "peerline-server: cannot listen on " << options.address << ":"
                  << options.port << ": " << ec.message() << "\n";
        return 1;
    }
    listener->run();

    std::cout << "Peerline listening on " << local_url(listener->local_endpoint()) << std::endl;
    log_event("serving ", std::filesystem::absolute(options.web_root).string(),
              " websocket=/ws");

    net::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code ec, int signal) {
        if (ec) return;
        log_event("signal ", signal, ": shutting down");
        listener->stop();
        hub->stop();
        drain_then_stop(ioc, std::make_shared<net::steady_timer>(ioc), hub,
                        std::chrono::steady_clock::now() + kDrainTimeout);
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
