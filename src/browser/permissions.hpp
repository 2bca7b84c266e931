// Whether getUserMedia would prompt: the Permissions API's "microphone" and "camera" states,
// told to the core (DevicePermission) at start and whenever they change. Browsers without the
// API, or without those names in it, tell nothing and the core assumes a prompt.
#pragma once

#include <string>

namespace peerline::browser::permissions {

void watch();
// The last state seen for "camera" or "microphone" was "denied" (blocked for this site).
bool denied(const std::string& kind);

}  // namespace peerline::browser::permissions
