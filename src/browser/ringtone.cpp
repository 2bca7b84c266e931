#include "ringtone.hpp"

#include <emscripten/bind.h>

#include "dom.hpp"
#include "js.hpp"

namespace peerline::browser::ringtone {
namespace {

// British double ring (400 + 450 Hz; 0.4 s on, 0.2 s off, 0.4 s on, 2 s off): recognisable as a
// phone ringing, and not the caller's own ringback tone.
constexpr double kCycleSeconds = 3.0;
constexpr int kCycles = 40;  // two minutes scheduled ahead: longer than any ring timeout
constexpr double kLevel = 0.12;
// Opening the audio output for the tone costs ~250 ms of audio-service and main-thread time in
// Chromium, right when the callee's accept needs getUserMedia and the SDP work: start the tone
// a moment after the dialog is drawn, and not at all if the call is answered within it.
constexpr int kToneDelayMs = 300;

val context = val::undefined();  // AudioContext, created once
val oscillators = val::undefined();
val envelope = val::undefined();
val notification = val::undefined();
bool ringing = false;
double tone_timer = 0;  // setTimeout handle of the delayed start; 0: none
std::string title, body;

val audio_context() {
    if (!context.isUndefined()) return context;
    if (val::global("AudioContext").isUndefined()) return context;
    Outcome made = try_construct("AudioContext", val::array());
    if (made.ok) context = made.value;
    return context;
}

// Resumes the context if one exists; it is made only when a tone is due (start_tone).
void resume() {
    val ctx = context;
    if (ctx.isUndefined() || ctx["state"].as<std::string>() != "suspended") return;
    Outcome resumed = try_call(ctx, "resume", val::array());
    if (resumed.ok) resumed.value.call<void>("catch", callback("onRingtoneIgnored"));
}

void start_tone() {
    val ctx = audio_context();
    if (ctx.isUndefined() || !oscillators.isUndefined()) return;
    resume();
    envelope = ctx.call<val>("createGain");
    val gain = envelope["gain"];
    const double t0 = ctx["currentTime"].as<double>() + 0.05;
    gain.call<void>("setValueAtTime", 0.0, t0);
    for (int i = 0; i < kCycles; ++i) {
        const double t = t0 + i * kCycleSeconds;
        for (double burst : {0.0, 0.6}) {  // two bursts of 0.4 s, with short ramps (no clicks)
            gain.call<void>("setValueAtTime", 0.0, t + burst);
            gain.call<void>("linearRampToValueAtTime", kLevel, t + burst + 0.02);
            gain.call<void>("setValueAtTime", kLevel, t + burst + 0.38);
            gain.call<void>("linearRampToValueAtTime", 0.0, t + burst + 0.4);
        }
    }
    envelope.call<void>("connect", ctx["destination"]);
    oscillators = val::array();
    for (double frequency : {400.0, 450.0}) {
        val osc = ctx.call<val>("createOscillator");
        osc["frequency"].set("value", frequency);
        osc.call<void>("connect", envelope);
        osc.call<void>("start");
        oscillators.call<void>("push", osc);
    }
}

void on_tone_due() {
    tone_timer = 0;
    if (ringing) start_tone();
}

void stop_tone() {
    if (tone_timer != 0) {
        val::global("clearTimeout")(tone_timer);
        tone_timer = 0;
    }
    if (oscillators.isUndefined()) return;
    for (int i = 0; i < oscillators["length"].as<int>(); ++i) oscillators[i].call<void>("stop");
    envelope.call<void>("disconnect");
    oscillators = val::undefined();
    envelope = val::undefined();
    // A running context keeps an audio render thread busy for nothing during the call.
    Outcome suspended = try_call(context, "suspend", val::array());
    if (suspended.ok) suspended.value.call<void>("catch", callback("onRingtoneIgnored"));
}

// ---- the notification ----------------------------------------------------------------------

void close_notification() {
    if (notification.isUndefined()) return;
    notification.call<void>("close");
    notification = val::undefined();
}

void update_notification() {
    const bool hidden = dom::document()["hidden"].as<bool>();
    if (!ringing || !hidden) return close_notification();
    if (!notification.isUndefined()) return;
    val api = val::global("Notification");
    if (api.isUndefined() || api["permission"].as<std::string>() != "granted") return;
    val options = val::object();
    options.set("body", text(body));
    options.set("tag", val("peerline-incoming-call"));
    options.set("requireInteraction", true);
    // Some browsers (Android Chrome) only allow notifications from a service worker: no
    // notification then, the ringtone still plays.
    Outcome made = try_construct("Notification", array_of(text(title), options));
    if (!made.ok) return;
    notification = made.value;
    notification.set("onclick", callback("onRingNotificationClick"));
}

void on_notification_click(val) {
    val::global("window").call<void>("focus");
    close_notification();
}

void on_visibility_change(val) { update_notification(); }

// The first click anywhere: the moment a permission prompt may appear. Notification permission
// is asked once; a refusal is respected silently. The AudioContext is not made here: opening
// the audio output costs ~170 ms of main-thread time right at that click (often the Call
// button, measured with tools/bench/call/trace.mjs), and the click's sticky user activation is
// what lets a context made later, when a call rings, start.
void on_first_click(val) {
    val api = val::global("Notification");
    if (api.isUndefined() || api["permission"].as<std::string>() != "default") return;
    Outcome asked = try_call(api, "requestPermission", val::array());
    if (asked.ok && !asked.value.isUndefined()) asked.value.call<void>("catch", callback("onRingtoneIgnored"));
}

void on_ignored(val) {}

}  // namespace

void attach() {
    val once = val::object();
    once.set("once", true);
    once.set("capture", true);
    dom::document().call<void>("addEventListener", val("click"), callback("onFirstClick"), once);
    dom::listen(dom::document(), "visibilitychange", "onRingVisibilityChange");
}

void update(bool now_ringing, const std::string& now_title, const std::string& now_body) {
    title = now_title;
    body = now_body;
    if (now_ringing != ringing) {
        ringing = now_ringing;
        if (!ringing) {
            stop_tone();
        } else if (tone_timer == 0) {
            tone_timer = val::global("setTimeout")(callback("onToneDue"), kToneDelayMs).as<double>();
        }
    }
    update_notification();
}

EMSCRIPTEN_BINDINGS(peerline_ringtone) {
    emscripten::function("onFirstClick", &on_first_click);
    emscripten::function("onToneDue", &on_tone_due);
    emscripten::function("onRingVisibilityChange", &on_visibility_change);
    emscripten::function("onRingNotificationClick", &on_notification_click);
    emscripten::function("onRingtoneIgnored", &on_ignored);
}

}  // namespace peerline::browser::ringtone
