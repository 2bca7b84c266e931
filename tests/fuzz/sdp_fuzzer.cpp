// libFuzzer target: any bytes → parse; a parsed description must serialize back to exactly
// the input, survive the policy rewrite, re-parse after it, and go through validation.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sdp/data_channel.hpp"
#include "sdp/description.hpp"
#include "sdp/policy.hpp"
#include "sdp/validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    auto parsed = peerline::sdp::parse(input);
    if (!parsed) return 0;
    peerline::sdp::Description d = std::move(parsed).value();
    if (peerline::sdp::serialize(d) != input) std::abort();  // the round-trip promise

    const peerline::sdp::Capabilities caps = peerline::sdp::capabilities_of(d);
    (void)peerline::sdp::check_remote(d, caps);
    (void)peerline::sdp::data_channel_transport(d);

    peerline::sdp::MediaPolicy policy;
    policy.mode = (size & 1) ? peerline::sdp::CallMode::music : peerline::sdp::CallMode::voice;
    policy.max_video_bitrate = 1000000;
    if (peerline::sdp::apply_policy(d, policy)) {
        // Our own edits may grow a description past the size cap; anything else must re-parse.
        const std::string edited = peerline::sdp::serialize(d);
        auto again = peerline::sdp::parse(edited);
        if (!again && again.error().code != "sdp-oversized") std::abort();
    }
    return 0;
}
