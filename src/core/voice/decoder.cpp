#include "voice/decoder.hpp"

#include <opusfile.h>

#include <memory>
#include <string>

#include "voice/inspect.hpp"

namespace peerline::voice {
namespace {

struct CloseOpusFile {
    void operator()(OggOpusFile* file) const { op_free(file); }
};

Error opusfile_error(int code) {
    switch (code) {
        case OP_ENOTFORMAT: return make_error(errors::kNotOpus, "no Opus stream found");
        case OP_EVERSION:
        case OP_EIMPL: return make_error(errors::kUnsupported, "an Opus feature we do not play");
        case OP_HOLE: return make_error(errors::kCorrupt, "pages are missing (a hole in the stream)");
        case OP_EBADHEADER: return make_error(errors::kCorrupt, "bad Opus header");
        case OP_EBADPACKET: return make_error(errors::kCorrupt, "bad Opus packet");
        default: return make_error(errors::kCorrupt, "opusfile error " + std::to_string(code));
    }
}

}  // namespace

Result<DecodedAudio> decode_ogg_opus(std::string_view bytes) {
    auto info = inspect(bytes);
    if (!info) return info.error();

    int status = 0;
    std::unique_ptr<OggOpusFile, CloseOpusFile> file(
        op_open_memory(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), &status));
    if (!file) return opusfile_error(status);
    if (op_link_count(file.get()) != 1)
        return make_error(errors::kUnsupported, "more than one logical Ogg stream");
    const int channels = op_channel_count(file.get(), -1);

    DecodedAudio audio;
    audio.pcm.reserve(static_cast<std::size_t>(info.value().samples));
    // opusfile asks for room for 120 ms (the longest Opus packet) in every call.
    std::vector<float> chunk(static_cast<std::size_t>(5760 * channels));
    for (;;) {
        const int frames = op_read_float(file.get(), chunk.data(), static_cast<int>(chunk.size()), nullptr);
        if (frames == 0) break;
        if (frames < 0) return opusfile_error(frames);
        if (static_cast<long>(audio.pcm.size()) + frames > kMaxSamples)
            return make_error(errors::kTooLong, "longer than " + std::to_string(kMaxSeconds) + " s");
        for (int i = 0; i < frames; ++i) {
            float sum = 0;
            for (int c = 0; c < channels; ++c) sum += chunk[static_cast<std::size_t>(i * channels + c)];
            audio.pcm.push_back(sum / static_cast<float>(channels));
        }
    }
    audio.duration_s = static_cast<double>(audio.pcm.size()) / kSampleRate;
    return audio;
}

}  // namespace peerline::voice
