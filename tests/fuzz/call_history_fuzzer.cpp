// libFuzzer target: any bytes as the stored call history (call_history::parse), which a page
// reads back from localStorage, where another version, another tab or a hand edit may have put
// anything. Never a crash; at most kMaxEntries entries, newest first; and what it accepts,
// written again, reads back as the same entries with nothing dropped.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "call_history.hpp"

using namespace peerline;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(bytes), size);
    auto parsed = call_history::parse(text);
    if (!parsed) return 0;
    const auto& entries = parsed.value().entries;
    if (entries.size() > call_history::kMaxEntries) std::abort();
    for (std::size_t i = 1; i < entries.size(); ++i) {
        if (entries[i - 1].at_ms < entries[i].at_ms) std::abort();
    }
    auto again = call_history::parse(call_history::serialize(entries));
    if (!again || again.value().dropped != 0 || !(again.value().entries == entries)) std::abort();
    return 0;
}
