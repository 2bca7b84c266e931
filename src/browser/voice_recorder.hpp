// The voice-message recorder (issue 8), offered under the call panel after a declined, missed or
// busy call: record with a level meter and timer, preview, send or discard. Its stages are the
// page's own; the core learns of a recording only when the user presses Send, and says in the
// view who may get one and what became of the last one sent.
#pragma once

#include "view.hpp"

namespace peerline::browser::voice_recorder {

void attach();
void render(const VoicePanel& voice);

}  // namespace peerline::browser::voice_recorder
