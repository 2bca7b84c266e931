// Whether getUserMedia would prompt: the Permissions API's "microphone" and "camera" states,
// told to the core (DevicePermission) at start and whenever they change. Browsers without the
// API, or without those names in it, tell nothing and the core assumes a prompt.
#pragma once

namespace peerline::browser::permissions {

void watch();

}  // namespace peerline::browser::permissions
