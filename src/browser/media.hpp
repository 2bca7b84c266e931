// getUserMedia and the local MediaStream: RequestMedia -> MediaReady | MediaFailed, StopMedia,
// SetTrackEnabled. Device listing and switching live in devices.cpp.
#pragma once

#include <string>

#include <emscripten/val.h>

namespace peerline::browser::media {

// Opens microphone (and camera) from the given devices ("" = the browser's default). If the
// camera cannot be opened, retries with the microphone alone: MediaReady says what it got.
void request(bool audio, bool video, const std::string& audio_device, const std::string& video_device);
void stop();
void set_track_enabled(const std::string& kind, bool enabled);
// The local stream, or undefined before MediaReady / after StopMedia.
emscripten::val local_stream();
// Puts `track` in the local stream in place of the stream's track of the same kind, which is
// stopped; the new track keeps the old one's `enabled` (a muted microphone stays muted).
void swap_track(emscripten::val track);
// Bumped by every request and stop: an answer for an older generation is stale.
int generation();
// The call's getUserMedia was asked and has not answered yet (a prompt may be open).
bool opening();

}  // namespace peerline::browser::media
