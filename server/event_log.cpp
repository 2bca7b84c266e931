#include "event_log.hpp"

#include <cstdio>
#include <ctime>
#include <string>

namespace peerline::server {

void write_log_line(std::string_view line) {
    char stamp[32];
    std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ ", &utc);

    std::string out(stamp);
    out.append(line);
    out.push_back('\n');
    std::fwrite(out.data(), 1, out.size(), stderr);
    std::fflush(stderr);
}

}  // namespace peerline::server
