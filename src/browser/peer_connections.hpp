// RTCPeerConnections keyed by the core's pc ids. Every callback and every promise outcome comes
// back as an event; every rejection (and every synchronous throw) as PcOperationFailed.
#pragma once

#include <string>

#include <emscripten/val.h>

namespace peerline::browser::peer_connections {

void create(int pc, const std::string& configuration_json);
void add_local_tracks(int pc, const emscripten::val& local_stream);
// A sendrecv transceiver of `kind` with no track yet (transceivers::attach_local_tracks fills it).
void add_transceiver(int pc, const std::string& kind, bool send);
void create_offer(int pc, bool ice_restart);
void create_answer(int pc);
void set_local_description(int pc, const std::string& type, const std::string& sdp);
void set_remote_description(int pc, const std::string& type, const std::string& sdp);
void add_ice_candidate(int pc, const std::string& candidate, const std::string& mid,
                       int mline_index);
void close(int pc);
// A promise of an operation on `pc` made elsewhere (replaceTrack): its rejection becomes
// PcOperationFailed{pc, operation} while that pc lives, like the pc's own operations.
void report_rejection(int pc, const emscripten::val& promise, const char* operation);
void collect_stats(int pc);  // answers StatsReport

// The RTCPeerConnection with the core's id `pc`, or undefined; every open one, as a JS array.
emscripten::val connection(int pc);
emscripten::val all();

// The MediaStream of remote tracks received on `pc`, or undefined.
emscripten::val remote_stream(int pc);
// The stream our AddTransceiver transceivers name (their msid), or undefined (addTrack's instead).
emscripten::val sent_stream(int pc);

}  // namespace peerline::browser::peer_connections
