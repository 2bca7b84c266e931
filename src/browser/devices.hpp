// Device list and device switching: ListDevices -> DevicesListed (and again on every
// devicechange), SwitchDevice -> DeviceSwitched. A new microphone or camera replaces the track on
// every sender with replaceTrack (no renegotiation); a speaker is the remote media element's sink.
#pragma once

#include <string>

namespace peerline::browser::devices {

void watch();  // once at start: list again whenever the browser's devices change
void list();
// After a getUserMedia succeeds: lists again only while names are missing. A listing is an IPC
// round trip the browser serves alongside the call's SDP and camera start; on every call after the
// first it would find the same devices.
void list_if_unlabelled();
void switch_device(const std::string& kind, const std::string& device_id);
// Camera off (SetTrackEnabled video false) stops the camera and sends nothing; on opens it again.
void set_camera(bool on);
// The call's getUserMedia answered (or failed): the switches chosen meanwhile apply now.
void apply_deferred_switches();

}  // namespace peerline::browser::devices
