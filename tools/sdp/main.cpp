// peerline-sdp: `inspect` summarizes a session description (readable or --json); `prefer`
// rewrites it by Peerline's codec policy (src/core/sdp/policy.hpp). Reads a file or stdin.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "sdp/description.hpp"
#include "sdp/limits.hpp"
#include "sdp/policy.hpp"
#include "summary.hpp"

namespace {

constexpr const char* kUsage =
    "usage: peerline-sdp inspect [--json] [FILE|-]\n"
    "       peerline-sdp prefer [--mode voice|music] [--max-bitrate BPS] [--start-bitrate BPS] [FILE|-]\n"
    "\n"
    "inspect  print media sections, directions, codecs with parameters, candidates by type,\n"
    "         DTLS role, data-channel limits; --json prints the same as JSON\n"
    "prefer   rewrite the description by Peerline's policy: Opus first with the mode's fmtp\n"
    "         and ptime, video VP9 > VP8 > H264 > AV1, b=AS/b=TIAS when --max-bitrate is given,\n"
    "         x-google-start-bitrate on video formats (default 800000 bit/s; 0: none)\n"
    "FILE     a description (CRLF or LF); '-' or nothing reads stdin\n"
    "\n"
    "Exit status: 0 ok, 1 the description is invalid (the message names the line), 2 usage.\n";

// A bit rate argument: decimal digits only, at most 2^32 - 1.
std::optional<std::uint32_t> bits_per_second(const std::string& n) {
    if (n.empty() || n.size() > 10 || n.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    const unsigned long long value = std::stoull(n);
    if (value > 0xFFFFFFFFull) return std::nullopt;
    return static_cast<std::uint32_t>(value);
}

int usage_error(const std::string& message) {
    std::cerr << "peerline-sdp: " << message << "\n\n" << kUsage;
    return 2;
}

// Reads at most one byte past the parser's limit, so the parser reports "oversized" without
// this tool ever holding an unbounded input.
bool read_input(const std::string& path, std::string& out) {
    const std::size_t cap = peerline::sdp::kMaxDescriptionBytes + 1;
    std::ifstream file;
    std::istream* in = &std::cin;
    if (path != "-") {
        file.open(path, std::ios::binary);
        if (!file) return false;
        in = &file;
    }
    out.resize(cap);
    in->read(out.data(), static_cast<std::streamsize>(cap));
    out.resize(static_cast<std::size_t>(in->gcount()));
    return !in->bad();
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::cout << kUsage;
        return args.empty() ? 2 : 0;
    }
    const std::string command = args[0];
    if (command != "inspect" && command != "prefer") return usage_error("unknown command \"" + command + "\"");

    bool json = false;
    peerline::sdp::MediaPolicy policy;
    std::string path = "-";
    bool have_path = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") { std::cout << kUsage; return 0; }
        if (command == "inspect" && a == "--json") {
            json = true;
        } else if (command == "prefer" && a == "--mode" && i + 1 < args.size()) {
            const auto mode = peerline::sdp::parse_call_mode(args[++i]);
            if (!mode) return usage_error("--mode must be voice or music");
            policy.mode = *mode;
        } else if (command == "prefer" && a == "--max-bitrate" && i + 1 < args.size()) {
            const auto bps = bits_per_second(args[++i]);
            if (!bps || *bps == 0) return usage_error("--max-bitrate must be a positive number of bit/s");
            policy.max_video_bitrate = *bps;
        } else if (command == "prefer" && a == "--start-bitrate" && i + 1 < args.size()) {
            const auto bps = bits_per_second(args[++i]);
            if (!bps) return usage_error("--start-bitrate must be a number of bit/s (0: none)");
            policy.start_video_bitrate = *bps == 0 ? std::nullopt : bps;
        } else if ((a == "-" || a.rfind("-", 0) != 0) && !have_path) {
            path = a;
            have_path = true;
        } else {
            return usage_error("unexpected argument \"" + a + "\"");
        }
    }

    std::string input;
    if (!read_input(path, input)) {
        std::cerr << "peerline-sdp: cannot read " << (path == "-" ? "stdin" : path) << '\n';
        return 1;
    }
    const std::string source = path == "-" ? "stdin" : path;
    auto parsed = peerline::sdp::parse(input);
    if (!parsed) {
        std::cerr << "peerline-sdp: " << source << ": " << parsed.error().message << " [" << parsed.error().code << "]\n";
        return 1;
    }
    auto description = std::move(parsed).value();
    if (command == "inspect") {
        if (json) std::cout << peerline::sdp_tool::json_summary(description).dump(2) << '\n';
        else std::cout << peerline::sdp_tool::readable_summary(description);
        return 0;
    }
    auto applied = peerline::sdp::apply_policy(description, policy);
    if (!applied) {
        std::cerr << "peerline-sdp: " << source << ": " << applied.error().message << '\n';
        return 1;
    }
    std::cout << peerline::sdp::serialize(description);
    return std::cout.good() ? 0 : 1;
}
