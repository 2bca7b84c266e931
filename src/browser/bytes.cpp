#include "bytes.hpp"

#include <cstdint>

namespace peerline::browser::bytes {

val view(const std::string& data) {
    return val(emscripten::typed_memory_view(data.size(), reinterpret_cast<const std::uint8_t*>(data.data())));
}

std::string from_array_buffer(const val& buffer) {
    std::string data;
    append(data, val::global("Uint8Array").new_(buffer));
    return data;
}

void append(std::string& out, const val& uint8_array) {
    const auto length = uint8_array["length"].as<std::size_t>();
    if (length == 0) return;
    const std::size_t at = out.size();
    out.resize(at + length);
    val target(emscripten::typed_memory_view(length, reinterpret_cast<std::uint8_t*>(out.data() + at)));
    target.call<void>("set", uint8_array);
}

val copy(const std::string& data) { return val::global("Uint8Array").new_(view(data)); }

}  // namespace peerline::browser::bytes
