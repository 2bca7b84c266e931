// getUserMedia and the local MediaStream: RequestMedia -> MediaReady | MediaFailed, StopMedia.
#pragma once

#include <emscripten/val.h>

namespace peerline::browser::media {

void request(bool audio, bool video);
void stop();
// The local stream, or undefined before MediaReady / after StopMedia.
emscripten::val local_stream();

}  // namespace peerline::browser::media
