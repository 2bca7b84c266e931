// peerline-voice.wasm: the voice-message codec for the page, a second Wasm module loaded only when
// a message is recorded or played (web/voice/voice.js), so the first page load never pays for
// libopus. A thin Embind face over src/core/voice: JS typed arrays in, plain result objects out
// ({ok, ..., code, error}); nothing here throws, and no input from a peer reaches the codec
// before inspect() has checked it (size first, before the bytes are even copied in).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "voice/decoder.hpp"
#include "voice/encoder.hpp"
#include "voice/inspect.hpp"
#include "voice/level.hpp"

namespace {

using emscripten::val;
namespace voice = peerline::voice;

val failure(const peerline::Error& error) {
    val result = val::object();
    result.set("ok", false);
    result.set("code", error.code);
    result.set("error", error.message);
    return result;
}

// A copy of the bytes the JS side owns, or "too large" without touching them.
std::optional<std::string> copy_in(const val& bytes) {
    const auto length = bytes["length"].as<std::size_t>();
    if (length > voice::kMaxBytes) return std::nullopt;
    std::string copy(length, '\0');
    val::module_property("HEAPU8").call<void>(
        "set", bytes, reinterpret_cast<std::uintptr_t>(copy.data()));
    return copy;
}

val too_large() {
    return failure({voice::errors::kTooLarge, "at most " + std::to_string(voice::kMaxBytes) + " bytes"});
}

template <typename T>
val typed_array_copy(const std::vector<T>& data) {
    // slice(): a JS-owned copy; a view would dangle once the vector (or the heap) changes.
    return val(emscripten::typed_memory_view(data.size(), data.data())).call<val>("slice");
}

val bytes_copy(const std::string& data) {
    return val(emscripten::typed_memory_view(data.size(), reinterpret_cast<const unsigned char*>(data.data())))
        .call<val>("slice");
}

// new VoiceEncoder(bitrate): push(Float32Array of 48 kHz mono samples) → {ok, duration, level,
// full}; finish() → {ok, bytes: Uint8Array, duration}. JS must delete() it (voice.js does).
class VoiceEncoder {
public:
    explicit VoiceEncoder(int bitrate) {
        auto created = voice::Encoder::create({bitrate, voice::EncoderOptions{}.complexity});
        if (created) encoder_.emplace(std::move(created).value());
        else error_ = created.error();
    }

    val push(const val& samples) {
        if (!encoder_) return failure(error_);
        samples_ = emscripten::convertJSArrayToNumberVector<float>(samples);
        auto pushed = encoder_->push(samples_.data(), samples_.size());
        if (!pushed) return failure(pushed.error());
        val result = val::object();
        result.set("ok", true);
        result.set("duration", pushed.value());
        result.set("level", voice::meter_level(samples_.data(), samples_.size()));
        result.set("full", encoder_->full());
        return result;
    }

    val finish() {
        if (!encoder_) return failure(error_);
        auto file = encoder_->finish();
        if (!file) return failure(file.error());
        val result = val::object();
        result.set("ok", true);
        result.set("bytes", bytes_copy(file.value()));
        result.set("duration", encoder_->duration_s());
        return result;
    }

private:
    std::optional<voice::Encoder> encoder_;
    peerline::Error error_;
    std::vector<float> samples_;
};

// decodeVoice(Uint8Array) → {ok, pcm: Float32Array, sampleRate, duration, level} or
// {ok:false, code, error}; level is the meter level (0..1) of the whole message.
val decode_voice(const val& bytes) {
    const auto copy = copy_in(bytes);
    if (!copy) return too_large();
    auto decoded = voice::decode_ogg_opus(*copy);
    if (!decoded) return failure(decoded.error());
    val result = val::object();
    result.set("ok", true);
    result.set("pcm", typed_array_copy(decoded.value().pcm));
    result.set("sampleRate", decoded.value().sample_rate);
    result.set("duration", decoded.value().duration_s);
    result.set("level", voice::meter_level(decoded.value().pcm.data(), decoded.value().pcm.size()));
    return result;
}

// inspectVoice(Uint8Array) → {ok, duration, channels} without decoding: a received message's
// card can show its length at once.
val inspect_voice(const val& bytes) {
    const auto copy = copy_in(bytes);
    if (!copy) return too_large();
    auto info = voice::inspect(*copy);
    if (!info) return failure(info.error());
    val result = val::object();
    result.set("ok", true);
    result.set("duration", info.value().duration_s);
    result.set("channels", info.value().channels);
    return result;
}

val limits() {
    val result = val::object();
    result.set("sampleRate", voice::kSampleRate);
    result.set("frameSamples", voice::kFrameSamples);
    result.set("maxSeconds", voice::kMaxSeconds);
    result.set("maxBytes", static_cast<double>(voice::kMaxBytes));
    result.set("bitrate", voice::kDefaultBitrate);
    return result;
}

}  // namespace

EMSCRIPTEN_BINDINGS(peerline_voice) {
    emscripten::class_<VoiceEncoder>("VoiceEncoder")
        .constructor<int>()
        .function("push", &VoiceEncoder::push)
        .function("finish", &VoiceEncoder::finish);
    emscripten::function("decodeVoice", &decode_voice);
    emscripten::function("inspectVoice", &inspect_voice);
    emscripten::function("limits", &limits);
}
