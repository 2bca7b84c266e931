#include "voice/encoder.hpp"

#include <opusenc.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace peerline::voice {

struct Encoder::State {
    OggOpusEnc* encoder = nullptr;
    OggOpusComments* comments = nullptr;
    std::string bytes;
    long samples = 0;
    bool finished = false;
    std::vector<float> clean;  // the pushed samples, finite and within [-1, 1]

    ~State() {
        if (encoder != nullptr) ope_encoder_destroy(encoder);
        if (comments != nullptr) ope_comments_destroy(comments);
    }
};

namespace {

int write_page(void* user_data, const unsigned char* data, opus_int32 length) {
    static_cast<std::string*>(user_data)->append(reinterpret_cast<const char*>(data),
                                                 static_cast<std::size_t>(length));
    return 0;
}

int close_stream(void*) { return 0; }

Error encoder_error(const char* what, int code) {
    return make_error(errors::kEncoder, std::string(what) + ": " + ope_strerror(code));
}

}  // namespace

Encoder::Encoder(std::unique_ptr<State> state) : state_(std::move(state)) {}
Encoder::Encoder(Encoder&&) noexcept = default;
Encoder& Encoder::operator=(Encoder&&) noexcept = default;
Encoder::~Encoder() = default;

Result<Encoder> Encoder::create(const EncoderOptions& options) {
    if (options.bitrate < 6000 || options.bitrate > 32000)
        return make_error(errors::kEncoder, "bitrate must be 6000..32000 bit/s");
    if (options.complexity < 0 || options.complexity > 10)
        return make_error(errors::kEncoder, "complexity must be 0..10");

    auto state = std::make_unique<State>();
    state->comments = ope_comments_create();
    if (state->comments == nullptr) return make_error(errors::kEncoder, "out of memory");
    OpusEncCallbacks callbacks{write_page, close_stream};
    int status = OPE_OK;
    // Mapping family 0: mono, no channel mapping table (RFC 7845 §5.1.1.1).
    state->encoder = ope_encoder_create_callbacks(&callbacks, &state->bytes, state->comments,
                                                  kSampleRate, 1, 0, &status);
    if (state->encoder == nullptr) return encoder_error("create", status);

    OggOpusEnc* enc = state->encoder;
    const int settings[] = {
        ope_encoder_ctl(enc, OPUS_SET_APPLICATION(OPUS_APPLICATION_VOIP)),
        ope_encoder_ctl(enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE)),
        ope_encoder_ctl(enc, OPUS_SET_BITRATE(options.bitrate)),
        // Constrained VBR holds CELT frames to the target; SILK (speech at 24 kbps) keeps its own
        // rate control: a minute measured 177-199 KB, under kMaxBytes (finish() still checks).
        ope_encoder_ctl(enc, OPUS_SET_VBR_CONSTRAINT(1)),
        ope_encoder_ctl(enc, OPUS_SET_COMPLEXITY(options.complexity)),
        ope_encoder_ctl(enc, OPUS_SET_EXPERT_FRAME_DURATION(OPUS_FRAMESIZE_20_MS)),
        // The tags are never edited in place, so the 512 bytes libopusenc reserves are waste.
        ope_encoder_ctl(enc, OPE_SET_COMMENT_PADDING(0)),
    };
    for (int s : settings)
        if (s != OPE_OK) return encoder_error("settings", s);
    return Encoder(std::move(state));
}

Result<double> Encoder::push(const float* samples, std::size_t count) {
    State& s = *state_;
    if (s.finished) return make_error(errors::kEncoder, "the message is already finished");
    const auto room = static_cast<std::size_t>(kMaxSamples - s.samples);
    count = std::min(count, room);
    if (count == 0) return duration_s();
    // NaN or out-of-range input (a misbehaving audio graph) must not reach the codec.
    s.clean.assign(samples, samples + count);
    for (float& x : s.clean) x = std::isfinite(x) ? std::clamp(x, -1.0f, 1.0f) : 0.0f;
    const int status = ope_encoder_write_float(s.encoder, s.clean.data(), static_cast<int>(count));
    if (status != OPE_OK) return encoder_error("encode", status);
    s.samples += static_cast<long>(count);
    return duration_s();
}

Result<std::string> Encoder::finish() {
    State& s = *state_;
    // libopusenc 0.2.1 asserts when drained before any sample was written; an empty message is
    // nothing to send anyway.
    if (s.samples == 0) return make_error(errors::kEmpty, "nothing was recorded");
    if (!s.finished) {
        s.finished = true;
        const int status = ope_encoder_drain(s.encoder);
        if (status != OPE_OK) return encoder_error("finish", status);
    }
    if (s.bytes.size() > kMaxBytes)
        return make_error(errors::kTooLarge, "the encoded message is over the size limit");
    return s.bytes;
}

bool Encoder::full() const { return state_->samples >= kMaxSamples; }
double Encoder::duration_s() const { return static_cast<double>(state_->samples) / kSampleRate; }
const std::string& Encoder::bytes() const { return state_->bytes; }

}  // namespace peerline::voice
