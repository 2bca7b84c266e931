#include "voice_recorder.hpp"

#include <optional>
#include <string>

#include <emscripten/bind.h>

#include "bytes.hpp"
#include "dom.hpp"
#include "shell.hpp"
#include "voice/limits.hpp"
#include "voice_js.hpp"

namespace peerline::browser::voice_recorder {
namespace {

enum class Stage { idle, starting, recording, stopping, recorded };

struct Recorder {
    val section = dom::by_id("voicePanel");
    val hint = dom::by_id("voiceHint");
    val record = dom::by_id("voiceRecord");
    val stop = dom::by_id("voiceStop");
    val level = dom::by_id("voiceLevel");
    val time = dom::by_id("voiceTime");
    val preview = dom::by_id("voicePreview");
    val send = dom::by_id("voiceSend");
    val discard = dom::by_id("voiceDiscard");
    val status = dom::by_id("voiceStatus");
    dom::Text hint_text, time_text, status_text, preview_text, send_text;
    dom::Flag section_hidden, record_hidden, stop_hidden, level_hidden, time_hidden, preview_hidden,
        send_hidden, discard_hidden;

    Stage stage = Stage::idle;
    std::string peer;         // who the recording is for
    val handle = val::null();  // PeerlineVoice.record()'s recorder while recording
    val bytes = val::null();   // the finished Ogg Opus file (Uint8Array)
    double duration = 0;
    std::string problem;      // the page's own error (no microphone, …); the core's are in the view
    val playback = val::null();
    bool decoding_preview = false;  // a decode for Play preview is on its way
};

std::optional<Recorder> recorder;
VoicePanel last;  // the view last drawn: clicks read the recipient from it

void draw_recorder();

void fail(const std::string& problem) {
    Recorder& r = *recorder;
    if (!r.handle.isNull()) r.handle.call<val>("cancel");  // never leave a microphone open
    r.stage = r.bytes.isNull() ? Stage::idle : Stage::recorded;
    r.handle = val::null();
    r.problem = problem;
    draw_recorder();
    // Focus goes where the user can act next, never to <body>.
    (r.stage == Stage::recorded ? r.send : r.record).call<void>("focus");
}

void on_record(val) {
    Recorder& r = *recorder;
    if (r.stage != Stage::idle || last.offer_to.empty() || voice_js::api().isUndefined()) return;
    r.stage = Stage::starting;
    r.peer = last.offer_to;
    r.bytes = val::null();
    r.problem.clear();
    val options = val::object();
    options.set("onLevel", callback("onVoiceLevel"));
    options.set("onTime", callback("onVoiceTime"));
    options.set("onLimit", callback("onVoiceLimit"));
    options.set("maxSeconds", voice::kMaxSeconds);
    options.set("startTimeoutMs", voice::kDeviceStartTimeoutMs);
    voice_js::api().call<val>("record", options)
        .call<void>("then", callback("onVoiceRecording"), callback("onVoiceRecordFailed"));
    dispatch(VoiceRecordingStarted{r.peer});  // the link opens while they speak
    draw_recorder();
    r.stop.call<void>("focus");  // Record hides itself; Stop (shown while opening) takes over
}

void on_recording(val handle) {
    Recorder& r = *recorder;
    // Discarded while the microphone was opening: close it again at once.
    if (r.stage != Stage::starting) return void(handle.call<val>("cancel"));
    r.handle = handle;
    r.stage = Stage::recording;
    draw_recorder();
}

void on_record_failed(val error) {
    const Stage stage = recorder->stage;
    if (stage == Stage::starting || stage == Stage::stopping) fail("Cannot record: " + describe(error));
}

void on_level(val level) {
    if (recorder->stage == Stage::recording) recorder->level.set("value", level);
}

void on_time(val seconds) {
    Recorder& r = *recorder;
    r.time_text.set(r.time, voice_js::minutes_seconds(seconds.as<double>()) + " / " +
                                voice_js::minutes_seconds(voice::kMaxSeconds));
}

void on_discard(val);
std::string outbox_text(const voice_mail::Outbox& o);

void on_stop(val) {
    Recorder& r = *recorder;
    // Stop before the microphone opened: nothing was recorded; on_recording closes it.
    if (r.stage == Stage::starting) return on_discard(val::undefined());
    if (r.stage != Stage::recording) return;
    r.stage = Stage::stopping;
    r.handle.call<val>("stop").call<void>("then", callback("onVoiceRecorded"), callback("onVoiceRecordFailed"));
    draw_recorder();
}

void on_limit() { on_stop(val::undefined()); }

void on_recorded(val result) {
    Recorder& r = *recorder;
    if (r.stage != Stage::stopping) return;  // discarded meanwhile
    r.handle = val::null();
    if (!result["ok"].as<bool>()) return fail("Recording failed: " + result["error"].as<std::string>());
    r.bytes = result["bytes"];
    r.duration = result["duration"].as<double>();
    r.stage = Stage::recorded;
    // While they listen back the recording travels sealed under a key used once; Send releases
    // the key, Discard never does (docs/voice.md "Sent while you listen back").
    val key = val::global("Uint8Array").new_(32);
    val::global("crypto").call<void>("getRandomValues", key);
    dispatch(VoiceMessagePrepared{r.peer, bytes::from_array_buffer(r.bytes), bytes::from_array_buffer(key)});
    draw_recorder();
    r.send.call<void>("focus");
}

void stop_preview() {
    Recorder& r = *recorder;
    if (!r.playback.isNull()) r.playback.call<void>("stop");
    r.playback = val::null();
}

void on_preview(val) {
    Recorder& r = *recorder;
    if (r.stage != Stage::recorded) return;
    if (!r.playback.isNull()) {
        stop_preview();
        return draw_recorder();
    }
    if (r.decoding_preview) return;  // a second click while the first decode runs
    r.decoding_preview = true;
    voice_js::api().call<val>("decode", r.bytes)
        .call<void>("then", callback("onVoicePreviewDecoded"), callback("onVoicePreviewFailed"));
}

// The codec module could not be fetched (offline, server gone): said beside the recording.
void on_preview_failed(val error) {
    recorder->decoding_preview = false;
    recorder->problem = "The voice player could not load: " + describe(error);
    draw_recorder();
}

void on_preview_ended(val) {
    recorder->playback = val::null();
    draw_recorder();
}

void on_preview_decoded(val audio) {
    Recorder& r = *recorder;
    r.decoding_preview = false;
    if (r.stage != Stage::recorded) return;  // sent or discarded meanwhile
    if (!audio["ok"].as<bool>()) {
        r.problem = "Cannot play the recording: " + audio["error"].as<std::string>();
        return draw_recorder();
    }
    r.playback = voice_js::api().call<val>("play", audio);
    r.playback["done"].call<void>("then", callback("onVoicePreviewEnded"));
    draw_recorder();
}

void on_send(val) {
    Recorder& r = *recorder;
    if (r.stage != Stage::recorded) return;
    stop_preview();
    r.problem.clear();
    // The core decides at once (dispatch is synchronous): keep the recording unless it went
    // out, so a message refused while we were offline can be sent again, not recorded again.
    dispatch(VoiceMessageRecorded{r.peer, bytes::from_array_buffer(r.bytes), val::global("Date").call<double>("now")});
    // Taken (sending, or kept to send when they are back): the recording is the outbox's now.
    const auto& outbox = current_view().voice.outbox;
    if (outbox.to == r.peer && outbox.state != voice_mail::Outbox::State::failed) {
        r.bytes = val::null();
        r.stage = Stage::idle;
    } else {
        r.problem = outbox_text(outbox);
    }
    draw_recorder();
    (r.stage == Stage::recorded ? r.send : r.record).call<void>("focus");
}

void on_discard(val) {
    Recorder& r = *recorder;
    if (r.stage == Stage::recorded) dispatch(VoiceMessageWithdrawn{r.peer});
    if (r.stage == Stage::recording || r.stage == Stage::stopping) r.handle.call<val>("cancel");
    stop_preview();
    r.handle = val::null();
    r.bytes = val::null();
    r.stage = Stage::idle;
    r.problem.clear();
    draw_recorder();
    r.record.call<void>("focus");
}

std::string outbox_text(const voice_mail::Outbox& o) {
    switch (o.state) {
        case voice_mail::Outbox::State::sending: return "Sending the voice message to " + o.to_name + "…";
        case voice_mail::Outbox::State::delivered: return "Delivered to " + o.to_name + ".";
        case voice_mail::Outbox::State::waiting: return "Not delivered yet — " + o.detail + ".";
        case voice_mail::Outbox::State::failed: return "Not sent: " + o.detail;
        case voice_mail::Outbox::State::none: return "";
    }
    return "";
}

void draw_recorder() {
    Recorder& r = *recorder;
    const bool busy = r.stage != Stage::idle;
    // What became of the last message: beside the offer it answers, or on its own once that
    // offer is gone (they left: it waits for them, and the page says so).
    const std::string& shown_for = busy || last.offer_to.empty() ? r.peer : last.offer_to;
    const bool outbox_here = !last.outbox.to.empty() && last.outbox.to == shown_for;
    r.section_hidden.set(r.section, "hidden", last.offer_to.empty() && !busy && !outbox_here);
    r.hint_text.set(r.hint, busy                    ? "A message of up to one minute."
                            : last.offer_to.empty() ? std::string()
                                                    : last.offer_to_name + " did not take the call. Leave a message of up to a minute.");
    r.record_hidden.set(r.record, "hidden", busy || last.offer_to.empty());
    r.stop_hidden.set(r.stop, "hidden", r.stage != Stage::recording && r.stage != Stage::starting);
    r.level_hidden.set(r.level, "hidden", r.stage != Stage::recording);
    r.time_hidden.set(r.time, "hidden", r.stage != Stage::recording && r.stage != Stage::recorded);
    if (r.stage == Stage::recorded) r.time_text.set(r.time, voice_js::minutes_seconds(r.duration));
    const bool recorded = r.stage == Stage::recorded;
    r.preview_hidden.set(r.preview, "hidden", !recorded);
    r.preview_text.set(r.preview, r.playback.isNull() ? "Play preview" : "Stop preview");
    r.send_hidden.set(r.send, "hidden", !recorded);
    r.send_text.set(r.send, r.problem.empty() ? "Send voice message" : "Send again");
    r.discard_hidden.set(r.discard, "hidden", !busy);
    const std::string status = !r.problem.empty()              ? r.problem
                               : r.stage == Stage::starting    ? "Opening the microphone…"
                               : r.stage == Stage::recording   ? "Recording…"
                               : r.stage == Stage::stopping    ? "Finishing…"
                               : recorded                      ? "Recorded. Play it back, then send or discard."
                               : outbox_here                   ? outbox_text(last.outbox)
                                                               : std::string();
    r.status_text.set(r.status, status);
}

}  // namespace

void attach() {
    recorder.emplace();
    dom::listen(recorder->record, "click", "onVoiceRecord");
    dom::listen(recorder->stop, "click", "onVoiceStop");
    dom::listen(recorder->preview, "click", "onVoicePreview");
    dom::listen(recorder->send, "click", "onVoiceSend");
    dom::listen(recorder->discard, "click", "onVoiceDiscard");
}

void render(const VoicePanel& voice) {
    if (!recorder) return;
    last = voice;
    draw_recorder();
}

EMSCRIPTEN_BINDINGS(peerline_voice_recorder) {
    emscripten::function("onVoiceRecord", &on_record);
    emscripten::function("onVoiceRecording", &on_recording);
    emscripten::function("onVoiceRecordFailed", &on_record_failed);
    emscripten::function("onVoiceLevel", &on_level);
    emscripten::function("onVoiceTime", &on_time);
    emscripten::function("onVoiceLimit", &on_limit);
    emscripten::function("onVoiceStop", &on_stop);
    emscripten::function("onVoiceRecorded", &on_recorded);
    emscripten::function("onVoicePreview", &on_preview);
    emscripten::function("onVoicePreviewDecoded", &on_preview_decoded);
    emscripten::function("onVoicePreviewEnded", &on_preview_ended);
    emscripten::function("onVoicePreviewFailed", &on_preview_failed);
    emscripten::function("onVoiceSend", &on_send);
    emscripten::function("onVoiceDiscard", &on_discard);
}

}  // namespace peerline::browser::voice_recorder
