#include "voice_messages.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <string>

#include <emscripten/bind.h>

#include "bytes.hpp"
#include "dom.hpp"
#include "shell.hpp"

namespace peerline::browser::voice_messages {
namespace {

constexpr int kMaxSeconds = 60;

std::string clock(double seconds) {
    const int whole = static_cast<int>(std::floor(seconds < 0 ? 0 : seconds));
    char text[16];
    std::snprintf(text, sizeof text, "%d:%02d", whole / 60, whole % 60);
    return text;
}

val voice_api() { return val::global("PeerlineVoice"); }

// ---- the recorder ------------------------------------------------------------------------------
// Its stages are the page's own (what the buttons show); the core only learns of a finished
// recording when the user presses Send.
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
    dom::Text hint_text, time_text, status_text, preview_text;
    dom::Flag section_hidden, record_hidden, stop_hidden, level_hidden, time_hidden, preview_hidden,
        send_hidden, discard_hidden;

    Stage stage = Stage::idle;
    std::string peer;         // who the recording is for
    val handle = val::null();  // PeerlineVoice.record()'s recorder while recording
    val bytes = val::null();   // the finished Ogg Opus file (Uint8Array)
    double duration = 0;
    double elapsed = 0;
    std::string problem;      // the page's own error (no microphone, …); the core's are in the view
    val playback = val::null();
};

// ---- received messages -------------------------------------------------------------------------
struct Card {
    val item = val::null(), label = val::null(), play = val::null(), download = val::null();
    val bytes = val::null();     // Uint8Array, kept for the life of the page
    std::string url;             // object URL of the .opus download
    val audio = val::null();     // decoded once, on the first Play
    val playback = val::null();  // while playing or paused
    bool playing = false;
};

struct Inbox {
    val section = dom::by_id("voiceInbox");
    val list = dom::by_id("voiceMessages");
    dom::Flag hidden;
    std::map<std::string, Card> cards;
    std::map<std::string, val> kept;  // bytes that arrived before the render that lists them
};

std::optional<Recorder> recorder;
std::optional<Inbox> inbox;
VoicePanel last;  // the view last drawn: clicks read the recipient from it

void draw_recorder();

void fail(const std::string& problem) {
    Recorder& r = *recorder;
    r.stage = r.bytes.isNull() ? Stage::idle : Stage::recorded;
    r.handle = val::null();
    r.problem = problem;
    draw_recorder();
}

void on_record(val) {
    Recorder& r = *recorder;
    if (r.stage != Stage::idle || last.offer_to.empty() || voice_api().isUndefined()) return;
    r.stage = Stage::starting;
    r.peer = last.offer_to;
    r.bytes = val::null();
    r.problem.clear();
    r.elapsed = 0;
    val options = val::object();
    options.set("onLevel", callback("onVoiceLevel"));
    options.set("onTime", callback("onVoiceTime"));
    options.set("onLimit", callback("onVoiceLimit"));
    options.set("maxSeconds", kMaxSeconds);
    voice_api().call<val>("record", options)
        .call<void>("then", callback("onVoiceRecording"), callback("onVoiceRecordFailed"));
    draw_recorder();
}

void on_recording(val handle) {
    Recorder& r = *recorder;
    r.handle = handle;
    r.stage = Stage::recording;
    draw_recorder();
    r.stop.call<void>("focus");
}

void on_record_failed(val error) { fail("Cannot record: " + describe(error)); }

void on_level(val level) {
    if (recorder->stage == Stage::recording) recorder->level.set("value", level);
}

void on_time(val seconds) {
    Recorder& r = *recorder;
    r.elapsed = seconds.as<double>();
    r.time_text.set(r.time, clock(r.elapsed) + " / " + clock(kMaxSeconds));
}

void on_stop(val) {
    Recorder& r = *recorder;
    if (r.stage != Stage::recording) return;
    r.stage = Stage::stopping;
    r.handle.call<val>("stop").call<void>("then", callback("onVoiceRecorded"));
    draw_recorder();
}

void on_limit() { on_stop(val::undefined()); }

void on_recorded(val result) {
    Recorder& r = *recorder;
    r.handle = val::null();
    if (!result["ok"].as<bool>()) return fail("Recording failed: " + result["error"].as<std::string>());
    r.bytes = result["bytes"];
    r.duration = result["duration"].as<double>();
    r.stage = Stage::recorded;
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
    voice_api().call<val>("decode", r.bytes).call<void>("then", callback("onVoicePreviewDecoded"));
}

void on_preview_ended(val) {
    recorder->playback = val::null();
    draw_recorder();
}

void on_preview_decoded(val audio) {
    Recorder& r = *recorder;
    if (!audio["ok"].as<bool>()) return fail("Cannot play the recording: " + audio["error"].as<std::string>());
    if (r.stage != Stage::recorded) return;
    r.playback = voice_api().call<val>("play", audio);
    r.playback["done"].call<void>("then", callback("onVoicePreviewEnded"));
    draw_recorder();
}

void on_send(val) {
    Recorder& r = *recorder;
    if (r.stage != Stage::recorded) return;
    stop_preview();
    std::string ogg = bytes::from_array_buffer(r.bytes);
    r.bytes = val::null();
    r.stage = Stage::idle;
    dispatch(VoiceMessageRecorded{r.peer, std::move(ogg)});
    draw_recorder();
}

void on_discard(val) {
    Recorder& r = *recorder;
    if (r.stage == Stage::recording) r.handle.call<val>("cancel");
    stop_preview();
    r.handle = val::null();
    r.bytes = val::null();
    r.stage = Stage::idle;
    r.problem.clear();
    draw_recorder();
}

std::string outbox_text(const voice_mail::Outbox& o) {
    switch (o.state) {
        case voice_mail::Outbox::State::sent: return "Voice message sent to " + o.to_name + ".";
        case voice_mail::Outbox::State::failed: return "Not sent: " + o.detail;
        case voice_mail::Outbox::State::none: return "";
    }
    return "";
}

void draw_recorder() {
    Recorder& r = *recorder;
    const bool busy = r.stage != Stage::idle;
    const bool outbox_here = !last.outbox.to.empty() && last.outbox.to == (busy ? r.peer : last.offer_to);
    r.section_hidden.set(r.section, "hidden", last.offer_to.empty() && !busy && !outbox_here);
    r.hint_text.set(r.hint, busy                    ? "A message of up to one minute."
                            : last.offer_to.empty() ? std::string()
                                                    : last.offer_to_name + " did not take the call. Leave a message of up to a minute.");
    r.record_hidden.set(r.record, "hidden", busy || last.offer_to.empty());
    r.stop_hidden.set(r.stop, "hidden", r.stage != Stage::recording && r.stage != Stage::starting);
    r.level_hidden.set(r.level, "hidden", r.stage != Stage::recording);
    r.time_hidden.set(r.time, "hidden", r.stage != Stage::recording && r.stage != Stage::recorded);
    if (r.stage == Stage::recorded) r.time_text.set(r.time, clock(r.duration));
    const bool recorded = r.stage == Stage::recorded;
    r.preview_hidden.set(r.preview, "hidden", !recorded);
    r.preview_text.set(r.preview, r.playback.isNull() ? "Play preview" : "Stop preview");
    r.send_hidden.set(r.send, "hidden", !recorded);
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

// ---- cards ---------------------------------------------------------------------------------------

Card* card(const std::string& id) {
    auto found = inbox->cards.find(id);
    return found == inbox->cards.end() ? nullptr : &found->second;
}

void start_playback(const std::string& id, Card& c) {
    c.playback = voice_api().call<val>("play", c.audio);
    c.playback["done"].call<void>("then", callback("onVoiceCardEnded", text(id)));
    c.playing = true;
    c.play.set("textContent", val("Pause"));
}

void on_play(std::string id, val) {
    Card* c = card(id);
    if (!c) return;
    if (!c->playback.isNull()) {  // pause or resume what is playing
        c->playing = !c->playing;
        c->playback.call<val>(c->playing ? "resume" : "pause");
        c->play.set("textContent", val(c->playing ? "Pause" : "Play"));
        return;
    }
    if (!c->audio.isNull()) return start_playback(id, *c);
    voice_api().call<val>("decode", c->bytes).call<void>("then", callback("onVoiceCardDecoded", text(id)));
}

void on_card_decoded(std::string id, val audio) {
    Card* c = card(id);
    if (!c) return;
    if (!audio["ok"].as<bool>()) {
        c->label.set("textContent", val(c->label["textContent"].as<std::string>() + " (cannot play: " +
                                        audio["error"].as<std::string>() + ")"));
        c->play.set("disabled", true);
        return;
    }
    // What was decoded, on the card: the length a person hears, and whether it is silent.
    c->item.call<void>("setAttribute", val("data-decoded-seconds"), audio["duration"]);
    c->item.call<void>("setAttribute", val("data-level"), audio["level"]);
    c->audio = audio;
    start_playback(id, *c);
}

void on_card_ended(std::string id, val) {
    Card* c = card(id);
    if (!c) return;
    c->playback = val::null();
    c->playing = false;
    c->play.set("textContent", val("Play"));
}

void add_card(const voice_mail::Note& note) {
    Card c;
    c.item = dom::element("li", "voice-card");
    c.label = dom::element("span", "voice-from");
    c.label.set("textContent", text("From " + note.from_name + ", " + clock(std::round(note.duration_s))));
    c.play = dom::element("button");
    c.play.set("type", val("button"));
    c.play.set("textContent", val("Play"));
    c.play.call<void>("setAttribute", val("aria-label"), text("Play or pause the voice message from " + note.from_name));
    dom::listen(c.play, "click", "onVoiceCardPlay", text(note.id));
    c.download = dom::element("a", "button-like");
    c.download.set("textContent", val("Download"));
    c.download.call<void>("setAttribute", val("aria-label"), text("Download the voice message from " + note.from_name));
    c.download.set("download", text("voice-message-" + std::to_string(inbox->cards.size() + 1) + ".opus"));
    if (auto kept = inbox->kept.find(note.id); kept != inbox->kept.end()) {
        c.bytes = kept->second;
        inbox->kept.erase(kept);
        val blob = val::global("Blob").new_(array_of(c.bytes), [] {
            val options = val::object();
            options.set("type", val("audio/ogg; codecs=opus"));
            return options;
        }());
        c.download.set("href", val::global("URL").call<val>("createObjectURL", blob));
    } else {
        c.play.set("disabled", true);  // cannot happen: the core keeps before it lists
    }
    c.item.call<void>("append", c.label, c.play, c.download);
    c.item.call<void>("setAttribute", val("data-from"), text(note.from));
    inbox->list.call<void>("prepend", c.item);  // newest first
    inbox->cards.emplace(note.id, std::move(c));
}

}  // namespace

void attach() {
    recorder.emplace();
    inbox.emplace();
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
    for (const auto& note : voice.received) {
        if (!inbox->cards.count(note.id)) add_card(note);
    }
    // The core keeps the newest few; a card it dropped goes too, with its bytes.
    for (auto it = inbox->cards.begin(); it != inbox->cards.end();) {
        const bool listed = std::any_of(voice.received.begin(), voice.received.end(),
                                        [&](const auto& n) { return n.id == it->first; });
        if (listed) {
            ++it;
            continue;
        }
        if (!it->second.playback.isNull()) it->second.playback.call<void>("stop");
        val::global("URL").call<void>("revokeObjectURL", it->second.download["href"]);
        it->second.item.call<void>("remove");
        it = inbox->cards.erase(it);
    }
    inbox->hidden.set(inbox->section, "hidden", inbox->cards.empty());
}

void keep(const std::string& id, const std::string& ogg) {
    if (inbox) inbox->kept.insert_or_assign(id, bytes::copy(ogg));
}

EMSCRIPTEN_BINDINGS(peerline_voice_messages) {
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
    emscripten::function("onVoiceSend", &on_send);
    emscripten::function("onVoiceDiscard", &on_discard);
    emscripten::function("onVoiceCardPlay", &on_play);
    emscripten::function("onVoiceCardDecoded", &on_card_decoded);
    emscripten::function("onVoiceCardEnded", &on_card_ended);
}

}  // namespace peerline::browser::voice_messages
