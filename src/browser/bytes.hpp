// Bytes between Wasm memory and JavaScript buffers, copied once, never through JS strings.
#pragma once

#include <string>

#include "js.hpp"

namespace peerline::browser::bytes {

// A Uint8Array viewing `data` in Wasm memory: valid until the next allocation may grow the
// memory, so it must be consumed (copied by the browser) at once.
val view(const std::string& data);
// The bytes of an ArrayBuffer (or a typed array), copied into Wasm memory.
std::string from_array_buffer(const val& buffer);
// Appends the bytes of a Uint8Array (any view, any offset) to `out`, copied once.
void append(std::string& out, const val& uint8_array);
// A Uint8Array owning a copy of `data` (to keep after this call).
val copy(const std::string& data);

}  // namespace peerline::browser::bytes
