// Full screen and picture-in-picture for the call: browser view modes the user asks for from the
// call's "More" menu. The browser owns whether they are on (it can leave them by itself: Esc,
// the PiP window's close button), so the toggles follow its events; a refusal becomes
// PageRequestFailed, a plain notice, and nothing else changes.
#pragma once

#include "js.hpp"

namespace peerline::browser::view_modes {

// `stage` goes full screen; `video` (the remote one) goes picture-in-picture.
void attach(val stage, val video);
// Outside a call both are left, and their toggles hidden.
void render(bool in_call);

}  // namespace peerline::browser::view_modes
