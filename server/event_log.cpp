#include "event_log.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

#include "options.hpp"
#include "protocol.hpp"

namespace peerline::server {
namespace {

std::atomic<LogFormat> g_format{LogFormat::text};

std::string timestamp() {
    char stamp[32];
    std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return stamp;
}

// Values with spaces, quotes or controls are quoted JSON-style so a line stays one line.
void append_text_value(std::string& out, const std::string& value) {
    const bool plain = !value.empty() && value.find_first_of(" \"=\\") == std::string::npos &&
                       std::none_of(value.begin(), value.end(),
                                    [](char c) { return static_cast<unsigned char>(c) < 0x20; });
    if (plain) out += value;
    else out += protocol::dump_json(nlohmann::json(value));
}

}  // namespace

void set_log_format(LogFormat format) { g_format = format; }

void log_event(std::string_view event, std::initializer_list<LogField> fields) {
    std::string out;
    if (g_format == LogFormat::json) {
        nlohmann::json line{{"ts", timestamp()}, {"event", std::string(event)}};
        for (const auto& f : fields) line[std::string(f.key)] = f.value;
        out = protocol::dump_json(line);
    } else {
        out = timestamp();
        out.push_back(' ');
        out.append(event);
        for (const auto& f : fields) {
            out.push_back(' ');
            out.append(f.key);
            out.push_back('=');
            append_text_value(out, f.value);
        }
    }
    out.push_back('\n');
    std::fwrite(out.data(), 1, out.size(), stderr);
    std::fflush(stderr);
}

}  // namespace peerline::server
