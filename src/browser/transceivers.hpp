// What the core asks of RTP senders and transceivers: codec order (setCodecPreferences), bitrate
// caps (setParameters encodings[].maxBitrate), and replaceTrack for a device switch.
#pragma once

#include <string>
#include <vector>

#include <emscripten/val.h>

namespace peerline::browser::transceivers {

// The browser's own receive capabilities of `kind`, stably reordered so that `mime_order` (case-
// insensitive) comes first, set on every transceiver of that kind. Skipped where unsupported.
void set_codec_preferences(int pc, const std::string& kind, const std::vector<std::string>& mime_order);
// Records the cap of every sender of `kind`; apply_bitrates (once the pc is connected, off the
// set-up path: peer_connections.cpp) sets it once. A changed cap on a live pc applies now.
void set_max_bitrate(int pc, const std::string& kind, int max_bitrate_bps);
void apply_bitrates(int pc);
void forget(int pc);
// replaceTrack: each track of `local_stream` onto the first trackless sending transceiver of its
// kind on `pc` (peer_connections::add_transceiver). A rejection is reported as PcOperationFailed.
void attach_local_tracks(int pc, const emscripten::val& local_stream);
// replaceTrack(null) on every sender of `kind`: nothing sent, no renegotiation (camera off).
void clear_senders(const std::string& kind);
// Sending transceivers of `kind` turn recvonly (StopSending); the browser then asks to renegotiate.
void stop_sending(int pc, const std::string& kind);
// replaceTrack(track) on every sender of track.kind of every peer connection; a JS array of
// the promises.
emscripten::val replace_track(const emscripten::val& track);
// A call that sends no video starts sending `track` (a shared screen): on its first video
// transceiver, made to send (sendrecv) and tied to `stream` (the msid of its audio, so the peer
// sees one stream), else on a new one. The browser then asks to renegotiate. Returns the
// replaceTrack promise (resolved for a new transceiver); undo with stop_video_sending.
emscripten::val send_video(int pc, const emscripten::val& track, const emscripten::val& stream);
// That transceiver sends nothing again (track null, recvonly; it stays to receive a share of
// the peer's, and to be reused by our next share without growing the description).
void stop_video_sending();

}  // namespace peerline::browser::transceivers
