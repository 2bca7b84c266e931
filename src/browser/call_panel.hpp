// The call panel: status, the videos (or the peer's avatar when it sends no picture), the
// peer's muted badge, and the in-call controls. data-phase / data-end-reason say the state.
#pragma once

#include "view.hpp"

namespace peerline::browser::call_panel {

void attach();
void render(const CallPanel& call);
// Points the <video> elements at the streams the view asks for; cheap when nothing changed.
void show_streams(const CallPanel& call);
// Moves focus into the controls (after the incoming-call dialog closes on an accepted call).
void focus_controls();

}  // namespace peerline::browser::call_panel
