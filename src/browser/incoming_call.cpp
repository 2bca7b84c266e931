#include "incoming_call.hpp"

#include <optional>

#include <emscripten/bind.h>

#include "call_panel.hpp"
#include "dom.hpp"
#include "ringtone.hpp"
#include "shell.hpp"

namespace peerline::browser::incoming_call {
namespace {

struct Dialog {
    val dialog = dom::by_id("incoming");
    val initials = dom::by_id("incomingInitials");
    val title = dom::by_id("incomingTitle");
    val description = dom::by_id("incomingText");
    val accept = dom::by_id("acceptVideo");
    val accept_audio = dom::by_id("acceptAudio");
    val decline = dom::by_id("decline");
    dom::Text initials_text, title_text, description_text;
    dom::Flag accept_hidden;
    bool open = false;
    val focus_before = val::null();  // where focus returns when the dialog closes
};

std::optional<Dialog> dialog;

void on_accept(val) { dispatch(AcceptIntent{true}); }
void on_accept_audio(val) { dispatch(AcceptIntent{false}); }
void on_decline(val) { dispatch(DeclineIntent{}); }
// Escape on a modal dialog fires "cancel": decline (render closes the dialog).
void on_cancel(val event) {
    event.call<void>("preventDefault");
    if (current_view().call.can_accept) dispatch(DeclineIntent{});
}

void open(Dialog& d) {
    d.focus_before = dom::document()["activeElement"];
    d.open = true;
    // showModal makes the rest of the page inert and traps focus in the dialog; the attribute
    // fallback covers browsers without <dialog>.
    Outcome shown = try_call(d.dialog, "showModal", val::array());
    if (!shown.ok) d.dialog.call<void>("setAttribute", val("open"), val(""));
    // Focus on the dialog itself, not on Accept: a screen reader reads its name and text, and
    // an Enter or Space meant for the chat box cannot switch the camera on. Tab reaches Accept.
    d.dialog.call<void>("focus");
}

void close(Dialog& d, const CallPanel& call) {
    d.open = false;
    Outcome closed = try_call(d.dialog, "close", val::array());
    if (!closed.ok) d.dialog.call<void>("removeAttribute", val("open"));
    // Accepted: focus goes to the call's controls. Declined or missed: back where it was.
    if (call.can_hang_up) {
        call_panel::focus_controls();
    } else if (!d.focus_before.isNull() && !d.focus_before.isUndefined() &&
               d.focus_before["isConnected"].as<bool>()) {
        d.focus_before.call<void>("focus");
    }
    d.focus_before = val::null();
}

}  // namespace

void attach() {
    dialog.emplace();
    Dialog& d = *dialog;
    dom::listen(d.accept, "click", "onAcceptClick");
    dom::listen(d.accept_audio, "click", "onAcceptAudioClick");
    dom::listen(d.decline, "click", "onDeclineClick");
    dom::listen(d.dialog, "cancel", "onIncomingCancel");
    ringtone::attach();
}

void render(const CallPanel& call) {
    if (!dialog) return;
    Dialog& d = *dialog;
    const bool ringing = call.ringing && call.can_accept;
    if (ringing) {
        d.initials_text.set(d.initials, dom::initials(call.peer_name));
        d.title_text.set(d.title, call.peer_name + " is calling");
        d.description_text.set(d.description, call.video ? "Video call" : "Audio call");
        // An audio call has nothing to accept "with video": one Accept is enough.
        d.accept_hidden.set(d.accept_audio, "hidden", !call.video);
    }
    if (ringing && !d.open) open(d);
    if (!ringing && d.open) close(d, call);
    ringtone::update(ringing, "Peerline: " + call.peer_name + " is calling",
                     call.video ? "Video call" : "Audio call");
}

EMSCRIPTEN_BINDINGS(peerline_incoming_call) {
    emscripten::function("onAcceptClick", &on_accept);
    emscripten::function("onAcceptAudioClick", &on_accept_audio);
    emscripten::function("onDeclineClick", &on_decline);
    emscripten::function("onIncomingCancel", &on_cancel);
}

}  // namespace peerline::browser::incoming_call
