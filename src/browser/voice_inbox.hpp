// Received voice messages (issue 8): a card each with Play/Pause (decoded by the codec module on
// the first Play) and Download (the .opus file byte for byte). Newest first; the core decides
// which are listed.
#pragma once

#include <string>
#include <vector>

#include "voice_mail.hpp"

namespace peerline::browser::voice_inbox {

void attach();
void render(const std::vector<voice_mail::Note>& received);
// KeepVoiceMessage: the checked bytes of a received message, kept to play and to download.
void keep(const std::string& id, const std::string& ogg);

}  // namespace peerline::browser::voice_inbox
