// One line per notable event (connect, hello, leave, rejection) on stderr, written with a single
// call so lines from different places never interleave mid-line. Text by default:
//   2024-05-01T10:00:00Z hello id=3a1f… name="Ada" device=desktop
// or, with --log-format json, one JSON object per line:
//   {"ts":"2024-05-01T10:00:00Z","event":"hello","id":"3a1f…","name":"Ada","device":"desktop"}
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace peerline::server {

enum class LogFormat;

struct LogField {
    LogField(std::string_view key_, std::string value_) : key(key_), value(std::move(value_)) {}
    LogField(std::string_view key_, std::string_view value_) : key(key_), value(value_) {}
    LogField(std::string_view key_, const char* value_) : key(key_), value(value_) {}
    template <typename Number, typename = std::enable_if_t<std::is_arithmetic_v<Number>>>
    LogField(std::string_view key_, Number value_) : key(key_), value(std::to_string(value_)) {}

    std::string_view key;
    std::string value;
};

void set_log_format(LogFormat format);

void log_event(std::string_view event, std::initializer_list<LogField> fields = {});

}  // namespace peerline::server
