// Command line of peerline-server. Parsing is pure (no printing, no exiting) so main decides
// what goes to stdout/stderr and which exit code follows.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "limits.hpp"

namespace peerline::server {

enum class LogFormat { text, json };

struct Options {
    std::string address = "0.0.0.0";   // all interfaces: the app is meant for LAN use
    std::uint16_t port = 8080;          // 0 = let the kernel pick a free port
    std::string web_root = "build/wasm/web";
    // --metrics-address HOST:PORT: /metrics (and /healthz) on a plain-HTTP listener of their
    // own. Empty: /metrics stays on the main listener, for loopback clients only.
    std::string metrics_host;
    std::uint16_t metrics_port = 0;
    bool help = false;

    // TLS: one mode per process. Self-signed files live next to the secret file.
    std::string tls_cert;
    std::string tls_key;
    bool tls_self_signed = false;

    // Resume tokens are HMACs with this secret; without either flag it is random per process.
    std::string secret_file;
    std::string secret_hex;

    // --redis URL: join the other instances sharing that Redis (docs/deploy.md "Many machines").
    std::string redis_url;
    std::string instance_id;  // --instance-id; empty: random

    std::vector<std::string> trust_proxy;    // CIDRs whose X-Forwarded-For is believed
    std::vector<std::string> allow_origins;  // extra allowed Origins; "*" = any

    std::vector<std::string> stun_urls;
    std::vector<std::string> turn_uris;
    std::string turn_secret;
    std::chrono::seconds turn_ttl{24 * 3600};

    Limits limits;
    std::chrono::milliseconds idle_timeout{60'000};  // HTTP keep-alive between requests

    LogFormat log_format = LogFormat::text;
    bool qr = true;
};

struct ParsedOptions {
    Options options;
    std::string error;  // non-empty: bad command line (exit 2)
};

ParsedOptions parse_options(const std::vector<std::string>& args);

std::string usage_text();

}  // namespace peerline::server
