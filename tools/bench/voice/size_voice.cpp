// Size probe (size.sh): the voice module's core without Embind: libopus + libopusenc (encoder
// half), + opusfile + libogg (decoder half), + src/core/voice. PROBE_ENCODE / PROBE_DECODE pick
// one half; both are on by default.
#include <emscripten.h>

#include <string_view>

#include "voice/decoder.hpp"
#include "voice/encoder.hpp"

#if !defined(PROBE_ENCODE) && !defined(PROBE_DECODE)
#define PROBE_ENCODE
#define PROBE_DECODE
#endif

extern "C" EMSCRIPTEN_KEEPALIVE int probe(const float* pcm, const char* file, int size) {
    int result = 0;
#ifdef PROBE_ENCODE
    auto encoder = peerline::voice::Encoder::create();
    if (!encoder) return -1;
    peerline::voice::Encoder e = std::move(encoder).value();
    if (!e.push(pcm, 960)) return -2;
    result += static_cast<int>(e.finish().value().size());
#endif
#ifdef PROBE_DECODE
    auto decoded = peerline::voice::decode_ogg_opus(std::string_view(file, static_cast<std::size_t>(size)));
    result += decoded.ok() ? static_cast<int>(decoded.value().pcm.size()) : -3;
#endif
    return result;
}
