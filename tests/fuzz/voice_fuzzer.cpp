// libFuzzer target: any bytes → voice::inspect and voice::decode_ogg_opus (what a peer's voice
// message goes through). Neither may crash; inspect is decode's gate, so a file inspect refuses
// must be refused by decode with the same code; decoded audio never exceeds the one-minute cap.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "voice/decoder.hpp"
#include "voice/inspect.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const auto info = peerline::voice::inspect(bytes);
    const auto decoded = peerline::voice::decode_ogg_opus(bytes);
    if (!info.ok() && (decoded.ok() || decoded.error().code != info.error().code)) std::abort();
    if (decoded.ok() && decoded.value().pcm.size() > static_cast<std::size_t>(peerline::voice::kMaxSamples))
        std::abort();
    return 0;
}
