// Voice messages in the page (issue 8): the recorder offered after a declined, missed or busy
// call (record with a level meter and timer, preview, send or discard) and the cards of received
// messages (play/pause, download as .opus). The codec is the second Wasm module behind
// web/voice/voice.js (PeerlineVoice), loaded on first use; what is sent and to whom is the core's.
#pragma once

#include <string>

#include "view.hpp"

namespace peerline::browser::voice_messages {

void attach();
void render(const VoicePanel& voice);
// KeepVoiceMessage: the checked bytes of a received message, kept to play and to download.
void keep(const std::string& id, const std::string& ogg);

}  // namespace peerline::browser::voice_messages
