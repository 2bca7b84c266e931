#include "options.hpp"

#include "cluster_messages.hpp"
#include "redis_url.hpp"

#include <boost/asio/ip/address.hpp>

#include <charconv>
#include <fstream>
#include <cmath>
#include <functional>
#include <map>

namespace peerline::server {

std::string usage_text() {
    return "Usage: peerline-server [options]\n"
           "\n"
           "Serves the Peerline web app and its WebSocket signaling endpoint (/ws).\n"
           "Durations are in seconds (fractions allowed). Repeatable flags are marked (*).\n"
           "\n"
           "Listening\n"
           "  --address ADDR          address to listen on (default 0.0.0.0: all interfaces)\n"
           "  --port N                TCP port, 0 picks a free one (default 8080)\n"
           "  --web-root DIR          folder of static files to serve (default build/wasm/web)\n"
           "  --tls-cert PEM          serve HTTPS/WSS with this certificate chain ...\n"
           "  --tls-key PEM           ... and this private key. TLS 1.2 and 1.3 only; send\n"
           "                          SIGHUP to reload renewed files without dropping\n"
           "                          connections (a failed reload keeps the old certificate)\n"
           "  --tls-self-signed       generate (or reuse) a self-signed certificate next to the\n"
           "                          secret file (or in the working directory); to renew,\n"
           "                          delete both files and send SIGHUP\n"
           "  --no-qr                 don't print a QR code of the LAN URL on start\n"
           "  --metrics-address HOST:PORT\n"
           "                          serve /metrics (and /healthz) on this plain-HTTP address\n"
           "                          only, e.g. 127.0.0.1:9100 or [::1]:9100 (port 0 picks a\n"
           "                          free one). Default: on the main listener, to loopback\n"
           "                          clients only (others get 403)"
           "\n"
           "Identity and rooms\n"
           "  --secret-file PATH      resume-token secret; created (mode 0600) if missing\n"
           "  --secret HEX            resume-token secret given directly (>= 32 hex digits)\n"
           "                          (neither: a random secret, tokens die with the process)\n"
           "  --trust-proxy CIDR      (*) believe X-Forwarded-For from these proxy addresses\n"
           "  --allow-origin ORIGIN   (*) also accept WebSockets from pages of ORIGIN\n"
           "                          (e.g. https://app.example); '*' accepts any. Default:\n"
           "                          same origin only (Origin host == Host header)\n"
           "\n"
           "Many instances (docs/deploy.md \"Many machines\")\n"
           "  --redis URL             redis://[[user]:password@]host[:port][/db]: share\n"
           "                          presence, rooms and relay with every instance using the\n"
           "                          same Redis (give them all the same --secret/--secret-file).\n"
           "                          Without it the process is a service on its own\n"
           "  --instance-id ID        this instance's name in Redis, 1-64 of [A-Za-z0-9._-]\n"
           "                          (default: random). Two live instances never share one: the\n"
           "                          second stays out of the cluster, /healthz answers 503\n"
           "\n"
           "ICE servers handed to clients in `welcome`\n"
           "  --stun URL              (*) e.g. stun:stun.example.org:3478 (default: none)\n"
           "  --turn-uri URI          (*) e.g. turn:turn.example.org:3478?transport=udp\n"
           "  --turn-secret S         coturn static-auth-secret (TURN REST credentials)\n"
           "  --turn-secret-file PATH the same, from the file's first line (not visible in ps)\n"
           "  --turn-ttl SEC          lifetime of TURN credentials (default 86400)\n"
           "\n"
           "Limits (each violation answers a typed error; see docs/protocol.md)\n"
           "  --max-text-bytes N      largest text message (default 65536, at most 65536)\n"
           "  --max-binary-bytes N    largest binary message (default 262144, at most 262144)\n"
           "  --rate N                messages per second per connection (default 50)\n"
           "  --burst N               messages allowed at once (default 200)\n"
           "  --max-per-address N     WebSocket connections per client address (default 64)\n"
           "  --send-queue-bytes N    a reader further behind is dropped (default 4194304)\n"
           "  --handshake-timeout SEC accept -> `hello` must finish within (default 10)\n"
           "  --idle-timeout SEC      idle HTTP keep-alive connections close after (default 60)\n"
           "  --ping-interval SEC     WebSocket ping after this much silence (default 20)\n"
           "  --ping-timeout SEC      no answer to a ping for this long: dropped (default 20)\n"
           "  --abuse-errors N        this many errors ... (default 30; 0 = never)\n"
           "  --abuse-window SEC      ... within this window close the connection 1008 (default 10)\n"
           "\n"
           "Operations\n"
           "  --log-format text|json  one line per event on stderr (default text)\n"
           "  --help                  print this help and exit\n"
           "\n"
           "Signals\n"
           "  SIGTERM, SIGINT         graceful shutdown: stop accepting, close every WebSocket\n"
           "                          with 1001 (clients reconnect and resume their ids on\n"
           "                          another instance or after a restart), wait up to 2 s for\n"
           "                          the closes, exit 0\n"
           "  SIGHUP                  reload the TLS certificate and key (new handshakes get\n"
           "                          them; open connections stay)\n"
           "\n"
           "Endpoints: / (static files), /ws (signaling), /healthz, /metrics (Prometheus;\n"
           "loopback clients only unless --metrics-address).\n";
}

namespace {

bool parse_unsigned(const std::string& value, unsigned long long max, unsigned long long& out) {
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
    return ec == std::errc{} && end == value.data() + value.size() && !value.empty() && out <= max;
}

bool parse_seconds(const std::string& value, std::chrono::milliseconds& out) {
    if (value.empty() || value.find_first_not_of("0123456789.") != std::string::npos) return false;
    char* end = nullptr;
    const double seconds = std::strtod(value.c_str(), &end);
    if (end != value.c_str() + value.size() || !std::isfinite(seconds) || seconds > 1e7) return false;
    out = std::chrono::milliseconds(static_cast<long long>(std::llround(seconds * 1000)));
    return true;
}

bool is_hex(const std::string& value) {
    return !value.empty() && value.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
}

}  // namespace

ParsedOptions parse_options(const std::vector<std::string>& args) {
    ParsedOptions out;
    Options& o = out.options;
    Limits& l = o.limits;

    // Each flag with a value: a setter that returns an error message, or "" if fine.
    using Setter = std::function<std::string(const std::string&)>;
    auto count = [](std::size_t& field, unsigned long long min, unsigned long long max) -> Setter {
        return [&field, min, max](const std::string& v) -> std::string {
            unsigned long long n = 0;
            if (!parse_unsigned(v, max, n) || n < min) {
                return "not a whole number in " + std::to_string(min) + "-" + std::to_string(max);
            }
            field = static_cast<std::size_t>(n);
            return "";
        };
    };
    auto rate = [](double& field) -> Setter {
        return [&field](const std::string& v) -> std::string {
            unsigned long long n = 0;
            if (!parse_unsigned(v, 1'000'000, n) || n == 0) return "not a whole number in 1-1000000";
            field = static_cast<double>(n);
            return "";
        };
    };
    auto duration = [](std::chrono::milliseconds& field, bool zero_ok) -> Setter {
        return [&field, zero_ok](const std::string& v) -> std::string {
            std::chrono::milliseconds d{};
            if (!parse_seconds(v, d) || (!zero_ok && d.count() <= 0)) return "not a positive number of seconds";
            field = d;
            return "";
        };
    };
    auto text = [](std::string& field) -> Setter {
        return [&field](const std::string& v) -> std::string {
            if (v.empty()) return "empty value";
            field = v;
            return "";
        };
    };
    auto append = [](std::vector<std::string>& field) -> Setter {
        return [&field](const std::string& v) -> std::string {
            if (v.empty()) return "empty value";
            field.push_back(v);
            return "";
        };
    };

    std::chrono::milliseconds turn_ttl{};
    const std::map<std::string, Setter> with_value = {
        {"--address", [&](const std::string& v) -> std::string {
             boost::system::error_code ec;
             boost::asio::ip::make_address(v, ec);
             if (ec) return "not an IP address: '" + v + "'";
             o.address = v;
             return "";
         }},
        {"--port", [&](const std::string& v) -> std::string {
             unsigned long long n = 0;
             if (!parse_unsigned(v, 65535, n)) return "not a port number (0-65535): '" + v + "'";
             o.port = static_cast<std::uint16_t>(n);
             return "";
         }},
        {"--web-root", text(o.web_root)},
        {"--metrics-address", [&](const std::string& v) -> std::string {
             // HOST:PORT, with an IPv6 host in brackets.
             const auto colon = v.rfind(':');
             if (colon == std::string::npos) return "not HOST:PORT: '" + v + "'";
             std::string host = v.substr(0, colon);
             if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
             boost::system::error_code ec;
             const auto address = boost::asio::ip::make_address(host, ec);
             if (ec || (address.is_v6() && v.front() != '[')) return "not HOST:PORT with an IP host: '" + v + "'";
             unsigned long long port = 0;
             if (!parse_unsigned(v.substr(colon + 1), 65535, port)) return "not a port number (0-65535): '" + v + "'";
             o.metrics_host = host;
             o.metrics_port = static_cast<std::uint16_t>(port);
             return "";
         }},
        {"--tls-cert", text(o.tls_cert)},
        {"--tls-key", text(o.tls_key)},
        {"--secret-file", text(o.secret_file)},
        {"--secret", [&](const std::string& v) -> std::string {
             if (!is_hex(v) || v.size() < 32 || v.size() % 2) return "needs an even number (>= 32) of hex digits";
             o.secret_hex = v;
             return "";
         }},
        {"--trust-proxy", append(o.trust_proxy)},
        {"--redis", [&](const std::string& v) -> std::string {
             std::string error;
             // Quoted so the URL (it may hold a password) is not echoed back.
             if (!parse_redis_url(v, error)) return error + " (see 'peerline-server --help')";
             o.redis_url = v;
             return "";
         }},
        {"--instance-id", [&](const std::string& v) -> std::string {
             if (!cluster::valid_instance_id(v)) return "must be 1-64 of [A-Za-z0-9._-]";
             o.instance_id = v;
             return "";
         }},
        {"--allow-origin", append(o.allow_origins)},
        {"--stun", append(o.stun_urls)},
        {"--turn-uri", append(o.turn_uris)},
        {"--turn-secret", [&](const std::string& v) -> std::string {
             if (!o.turn_secret.empty()) return "given twice, or with --turn-secret-file";
             o.turn_secret = v;
             return v.empty() ? "must not be empty" : "";
         }},
        {"--turn-secret-file", [&](const std::string& v) -> std::string {
             // A secret on the command line is in every `ps` listing; a file can be 0600.
             if (!o.turn_secret.empty()) return "given twice, or with --turn-secret";
             std::ifstream in(v, std::ios::binary);
             if (!in) return "cannot read '" + v + "'";
             std::getline(in, o.turn_secret);
             while (!o.turn_secret.empty() && (o.turn_secret.back() == '\r' || o.turn_secret.back() == ' ')) o.turn_secret.pop_back();
             return o.turn_secret.empty() ? "'" + v + "' holds no secret on its first line" : "";
         }},
        {"--turn-ttl", duration(turn_ttl, false)},
        {"--max-text-bytes", count(l.max_text_bytes, 256, protocol::kMaxTextFrameBytes)},
        {"--max-binary-bytes", count(l.max_binary_bytes, 256, protocol::kMaxBinaryFrameBytes)},
        {"--rate", rate(l.rate)},
        {"--burst", rate(l.burst)},
        {"--max-per-address", count(l.max_per_address, 1, 1'000'000)},
        {"--send-queue-bytes", count(l.send_queue_bytes, 64 * 1024, std::size_t{1} << 32)},
        {"--handshake-timeout", duration(l.handshake_timeout, false)},
        {"--idle-timeout", duration(o.idle_timeout, false)},
        {"--ping-interval", duration(l.ping_interval, false)},
        {"--ping-timeout", duration(l.ping_timeout, false)},
        {"--abuse-errors", count(l.abuse_errors, 0, 1'000'000)},
        {"--abuse-window", duration(l.abuse_window, false)},
        {"--log-format", [&](const std::string& v) -> std::string {
             if (v == "text") o.log_format = LogFormat::text;
             else if (v == "json") o.log_format = LogFormat::json;
             else return "must be text or json";
             return "";
         }},
    };
    const std::map<std::string, std::function<void()>> switches = {
        {"--help", [&] { o.help = true; }},
        {"-h", [&] { o.help = true; }},
        {"--tls-self-signed", [&] { o.tls_self_signed = true; }},
        {"--no-qr", [&] { o.qr = false; }},
    };

    auto fail = [&](std::string message) {
        out.error = std::move(message);
        return out;
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string flag = args[i];
        std::string value;
        bool has_value = false;
        if (auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = flag.substr(eq + 1);
            flag = flag.substr(0, eq);
            has_value = true;
        }
        if (auto sw = switches.find(flag); sw != switches.end()) {
            if (has_value) return fail(flag + " takes no value");
            sw->second();
            continue;
        }
        auto setter = with_value.find(flag);
        if (setter == with_value.end()) return fail("unknown option '" + args[i] + "'");
        if (!has_value) {
            if (i + 1 >= args.size()) return fail(flag + " needs a value");
            value = args[++i];
        }
        if (std::string why = setter->second(value); !why.empty()) {
            return fail(flag + ": " + why + (why.find('\'') == std::string::npos ? " ('" + value + "')" : ""));
        }
    }
    if (turn_ttl.count() > 0) o.turn_ttl = std::chrono::duration_cast<std::chrono::seconds>(turn_ttl);
    if (o.tls_cert.empty() != o.tls_key.empty()) return fail("--tls-cert and --tls-key go together");
    if (!o.tls_cert.empty() && o.tls_self_signed) return fail("--tls-self-signed excludes --tls-cert/--tls-key");
    if (!o.secret_file.empty() && !o.secret_hex.empty()) return fail("--secret and --secret-file exclude each other");
    if (!o.turn_uris.empty() && o.turn_secret.empty()) return fail("--turn-uri needs --turn-secret or --turn-secret-file");
    if (!o.instance_id.empty() && o.redis_url.empty()) return fail("--instance-id needs --redis");
    return out;
}

}  // namespace peerline::server
