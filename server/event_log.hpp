// One line per notable event (connect, hello, leave, rejection) on stderr, written with a single
// call so lines from different places never interleave mid-line.
#pragma once

#include <sstream>
#include <string>
#include <string_view>

namespace peerline::server {

void write_log_line(std::string_view line);

// log_event("hello", " id=", id, " name=", name) -> "2024-05-01T10:00:00Z hello id=… name=…"
template <typename... Parts>
void log_event(const Parts&... parts) {
    std::ostringstream line;
    (line << ... << parts);
    write_log_line(line.str());
}

}  // namespace peerline::server
