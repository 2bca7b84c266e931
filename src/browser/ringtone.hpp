// The ringtone of an incoming call, synthesized with WebAudio (two oscillators and a gain
// envelope; no audio file to download), and the system notification shown when the tab is
// hidden. Both ask for what they need on the first click: browsers start audio and grant
// notification permission only after a user gesture.
#pragma once

#include <string>

namespace peerline::browser::ringtone {

void attach();
// Ringing or not; title/body say who calls, for the notification.
void update(bool ringing, const std::string& title, const std::string& body);

}  // namespace peerline::browser::ringtone
