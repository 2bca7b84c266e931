// A guard run before parsing JSON from outside: nlohmann parses deep nesting iteratively, but
// copying, dumping and destroying a value recurse once per level, so a document of 64 KiB of `[`
// (~32k levels) could overflow a small Wasm stack. Callers refuse text nested past their limit.
#pragma once

#include <string_view>

namespace peerline {

// True if `text` nests arrays/objects deeper than `limit`. Brackets inside strings don't count.
bool json_nests_deeper_than(std::string_view text, int limit);

}  // namespace peerline
