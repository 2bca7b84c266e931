// Voice messages kept on this page (issues 8, 20): a card per received message, newest first,
// with Play/Pause (decoded by the codec module on the first Play), Download (the .opus file byte
// for byte), Delete and a "new" mark until played; and a card per message of ours not delivered
// yet, with why and Delete. The core decides what is listed; the bytes come from voice_store.
#pragma once

#include "view.hpp"

namespace peerline::browser::voice_inbox {

void attach();
void render(const VoicePanel& voice);

}  // namespace peerline::browser::voice_inbox
