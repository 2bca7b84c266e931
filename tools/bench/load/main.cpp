// peerline-load: a WebSocket load generator for Peerline's signaling protocol
// (docs/protocol.md), loopback only, bounded in connections and time. See --help.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "modes.hpp"

namespace {

using namespace peerline::load;

const char* kUsage =
    "Usage: peerline-load relay|idle [options]\n"
    "\n"
    "relay: clients in pairs (both members of a pair on one 127.x source address, so they share\n"
    "  a network room) send `signal` to each other with a send timestamp in `data`; reports the\n"
    "  relayed msg/s over the window and relay latency (p50/p90/p99/max).\n"
    "    --clients N          clients, even, <= 19000 (default 1000)\n"
    "    --rate R             total msg/s over all clients, paced by a 1 ms ticker; 0 = unpaced\n"
    "                         closed loop: each client keeps --window messages in flight (default 0)\n"
    "    --window W           unpaced: messages in flight per client (default 8)\n"
    "    --duration S         measured window in seconds, <= 120 (default 5)\n"
    "    --warmup S           seconds of traffic before the window (default 1)\n"
    "    --threads T          io_context threads, <= 16 (default 1)\n"
    "    --pairs-per-source K pairs sharing one source address (default 1)\n"
    "    --payload B          bytes of the fake ICE candidate in `data` (default 120)\n"
    "    --server-pid PID[,PID...] report these processes' CPU time (summed) over the window\n"
    "    --port2 N            the second client of every pair connects to this port (another\n"
    "                         instance of a scaled-out service): every message crosses over\n"
    "    --one-frame-per-write  every frame its own write, as a browser's WebSocket sends;\n"
    "                         default: frames queued together go out in one write\n"
    "    --peerjs             the server is a PeerJS server (npm `peer`, path /peerjs): clients\n"
    "                         pick their ids, wait for OPEN and send CANDIDATE with `dst`\n"
    "    --source-base ADDR   first source address (default 127.1.0.1)\n"
    "\n"
    "idle: N connections that say hello, then read and stay idle for --hold seconds.\n"
    "  Prints `READY connections=N ...` when all are welcomed.\n"
    "    --connections N      <= 19000 (one process holds < 20000 descriptors here) (default 1000)\n"
    "    --per-source K       connections per source address (default 100)\n"
    "    --source-base ADDR   first source address (default 127.2.0.1)\n"
    "    --hold S             seconds to stay connected after READY, <= 600 (default 10)\n"
    "    --no-hello           open WebSockets only, never say hello\n"
    "    --concurrency C      handshakes in progress at once (default 256)\n"
    "\n"
    "common:\n"
    "    --host ADDR          server address, loopback only (default 127.0.0.1)\n"
    "    --port N             server port (default 8080)\n"
    "    --help               this text\n"
    "\n"
    "Each run prints one `RESULT key=value ...` line on stdout; progress goes to stderr.\n";

[[noreturn]] void usage_error(const std::string& message) {
    std::fprintf(stderr, "peerline-load: %s\nTry 'peerline-load --help'.\n", message.c_str());
    std::exit(2);
}

Target target_of(const Args& args) {
    Target t;
    t.host = args.str("host", t.host);
    boost::system::error_code ec;
    const auto address = net::ip::make_address(t.host, ec);
    if (ec || !address.is_loopback()) usage_error("--host must be a loopback address");
    const double port = args.num("port", 8080);
    if (port < 1 || port > 65535) usage_error("--port out of range");
    t.port = static_cast<unsigned short>(port);
    return t;
}

net::ip::address_v4 source_of(const Args& args, const char* fallback) {
    boost::system::error_code ec;
    const auto a = net::ip::make_address_v4(args.str("source-base", fallback), ec);
    if (ec || !a.is_loopback()) usage_error("--source-base must be an IPv4 loopback address");
    return a;
}

void reject_unknown(const Args& args, const std::vector<std::string>& known) {
    const auto unknown = args.unknown(known);
    if (!unknown.empty()) usage_error("unknown option '" + unknown.front() + "'");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
        std::fputs(kUsage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const std::string mode = argv[1];
    const Args args(argc, argv, 2);
    if (args.has("help")) {
        std::fputs(kUsage, stdout);
        return 0;
    }
    if (mode == "relay") {
        reject_unknown(args, {"clients", "rate", "window", "duration", "warmup", "threads",
                              "pairs-per-source", "payload", "server-pid", "source-base", "host",
                              "port", "max-in-flight", "port2", "one-frame-per-write", "peerjs"});
        RelayConfig c;
        c.target = target_of(args);
        c.clients = static_cast<int>(args.num("clients", c.clients));
        c.rate = args.num("rate", 0);
        c.window = static_cast<int>(args.num("window", c.window));
        c.max_in_flight = static_cast<int>(args.num("max-in-flight", c.max_in_flight));
        c.duration_s = args.num("duration", c.duration_s);
        c.warmup_s = args.num("warmup", c.warmup_s);
        c.threads = static_cast<int>(args.num("threads", c.threads));
        c.pairs_per_source = static_cast<int>(args.num("pairs-per-source", c.pairs_per_source));
        c.payload_bytes = static_cast<int>(args.num("payload", c.payload_bytes));
        for (std::string pids = args.str("server-pid", ""); !pids.empty();) {
            const auto comma = pids.find(',');
            const long pid = std::atol(pids.substr(0, comma).c_str());
            if (pid <= 0) usage_error("--server-pid: process ids separated by commas");
            c.server_pids.push_back(pid);
            pids = comma == std::string::npos ? "" : pids.substr(comma + 1);
        }
        const double port2 = args.num("port2", 0);
        if (port2 < 0 || port2 > 65535) usage_error("--port2 out of range");
        c.port2 = static_cast<unsigned short>(port2);
        c.one_frame_per_write = args.has("one-frame-per-write");
        c.peerjs = args.has("peerjs");
        c.source_base = source_of(args, "127.1.0.1");
        if (c.clients < 2 || c.clients % 2 || c.clients > 19000) usage_error("--clients: even, 2..19000");
        if (c.rate < 0 || c.rate > 10'000'000) usage_error("--rate: 0..10000000");
        if (c.duration_s <= 0 || c.duration_s > 120) usage_error("--duration: (0, 120]");
        if (c.warmup_s < 0 || c.warmup_s > 60) usage_error("--warmup: [0, 60]");
        if (c.threads < 1 || c.threads > 16) usage_error("--threads: 1..16");
        if (c.window < 1 || c.window > 1000) usage_error("--window: 1..1000");
        if (c.payload_bytes < 1 || c.payload_bytes > 60000) usage_error("--payload: 1..60000");
        if (c.pairs_per_source < 1) usage_error("--pairs-per-source: >= 1");
        return run_relay(c);
    }
    if (mode == "idle") {
        reject_unknown(args, {"connections", "per-source", "source-base", "hold", "no-hello",
                              "concurrency", "host", "port"});
        IdleConfig c;
        c.target = target_of(args);
        c.connections = static_cast<int>(args.num("connections", c.connections));
        c.per_source = static_cast<int>(args.num("per-source", c.per_source));
        c.source_base = source_of(args, "127.2.0.1");
        c.hold_s = args.num("hold", c.hold_s);
        c.hello = !args.has("no-hello");
        c.connect_concurrency = static_cast<int>(args.num("concurrency", c.connect_concurrency));
        if (c.connections < 1 || c.connections > 19000) usage_error("--connections: 1..19000");
        if (c.per_source < 1 || c.per_source > 20000) usage_error("--per-source: 1..20000");
        if (c.hold_s < 0 || c.hold_s > 600) usage_error("--hold: [0, 600]");
        if (c.connect_concurrency < 1 || c.connect_concurrency > 4096) usage_error("--concurrency: 1..4096");
        return run_idle(c);
    }
    usage_error("unknown mode '" + mode + "' (relay or idle)");
}
