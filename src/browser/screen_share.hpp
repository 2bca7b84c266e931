// Screen sharing (issue 19): StartScreenShare -> getDisplayMedia, its track (contentHint
// "detail": text stays sharp rather than smooth) replaces the camera's on every video sender,
// no renegotiation. Answers ScreenShareStarted / ScreenShareFailed, and ScreenShareEnded when
// the capture ends by itself (the browser's own "Stop sharing" bar, a closed window).
// StopScreenShare stops it and puts the camera's track back (or none, camera off).
// A call with no video sender (audio only, no camera) gets one for the screen instead, which
// renegotiates (StartScreenShare{add_video}); stopping makes it receive-only again.
#pragma once

namespace peerline::browser::screen_share {

void start(bool add_video, int pc);
void stop(bool camera, bool remove_video);

}  // namespace peerline::browser::screen_share
