// Command line of peerline-server. Parsing is pure (no printing, no exiting) so main decides
// what goes to stdout/stderr and which exit code follows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace peerline::server {

struct Options {
    std::string address = "0.0.0.0";   // all interfaces: the app is meant for LAN use
    std::uint16_t port = 8080;          // 0 = let the kernel pick a free port
    std::string web_root = "build/wasm/web";
    bool help = false;
};

struct ParsedOptions {
    Options options;
    std::string error;  // non-empty: bad command line (exit 2)
};

ParsedOptions parse_options(const std::vector<std::string>& args);

std::string usage_text();

}  // namespace peerline::server
