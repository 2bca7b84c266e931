#include "options.hpp"

#include <boost/asio/ip/address.hpp>

#include <charconv>

namespace peerline::server {

std::string usage_text() {
    return "Usage: peerline-server [--address ADDR] [--port N] [--web-root DIR] [--help]\n"
           "\n"
           "Serves the Peerline web app and its WebSocket signaling endpoint (/ws).\n"
           "\n"
           "  --address ADDR   address to listen on (default 0.0.0.0: all interfaces)\n"
           "  --port N         TCP port, 0 picks a free one (default 8080)\n"
           "  --web-root DIR   folder of static files to serve (default build/wasm/web)\n"
           "  --help           print this help and exit\n";
}

ParsedOptions parse_options(const std::vector<std::string>& args) {
    ParsedOptions out;
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
        auto take_value = [&]() -> bool {
            if (has_value) return true;
            if (i + 1 >= args.size()) return false;
            value = args[++i];
            return true;
        };

        if (flag == "--help" || flag == "-h") {
            if (has_value) return fail("--help takes no value");
            out.options.help = true;
        } else if (flag == "--address") {
            if (!take_value()) return fail("--address needs a value");
            boost::system::error_code ec;
            boost::asio::ip::make_address(value, ec);
            if (ec) return fail("--address: not an IP address: '" + value + "'");
            out.options.address = value;
        } else if (flag == "--port") {
            if (!take_value()) return fail("--port needs a value");
            unsigned port = 0;
            auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), port);
            if (ec != std::errc{} || end != value.data() + value.size() || port > 65535) {
                return fail("--port: not a port number (0-65535): '" + value + "'");
            }
            out.options.port = static_cast<std::uint16_t>(port);
        } else if (flag == "--web-root") {
            if (!take_value()) return fail("--web-root needs a value");
            if (value.empty()) return fail("--web-root: empty path");
            out.options.web_root = value;
        } else {
            return fail("unknown option '" + args[i] + "'");
        }
    }
    return out;
}

}  // namespace peerline::server
