// Device list and device switching: ListDevices -> DevicesListed (and again on every
// devicechange), SwitchDevice -> DeviceSwitched. A new microphone or camera replaces the track on
// every sender with replaceTrack (no renegotiation); a speaker is the remote media element's sink.
#pragma once

#include <string>

namespace peerline::browser::devices {

void watch();  // once at start: list again whenever the browser's devices change
void list();
void switch_device(const std::string& kind, const std::string& device_id);

}  // namespace peerline::browser::devices
