// libFuzzer target: any bytes → parse_candidate; a parsed candidate must print to text that
// parses again to the same fields.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sdp/candidate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    auto parsed = peerline::sdp::parse_candidate(input);
    if (!parsed) return 0;
    const auto& c = parsed.value();
    const std::string printed = peerline::sdp::to_string(c);  // named: the candidate views it
    auto again = peerline::sdp::parse_candidate(printed);
    if (!again) return 0;  // printing can exceed the length cap; that is a refusal, not a bug
    const auto& d = again.value();
    if (d.foundation != c.foundation || d.priority != c.priority || d.port != c.port || d.type != c.type ||
        d.address != c.address || d.extensions != c.extensions || d.related_port != c.related_port)
        std::abort();
    return 0;
}
