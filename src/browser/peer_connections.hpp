// RTCPeerConnections keyed by the core's pc ids. Every callback and every promise outcome comes
// back as an event; every rejection (and every synchronous throw) as PcOperationFailed.
#pragma once

#include <string>

#include <emscripten/val.h>

namespace peerline::browser::peer_connections {

void create(int pc, const std::string& configuration_json);
void add_local_tracks(int pc, const emscripten::val& local_stream);
void create_offer(int pc);
void create_answer(int pc);
void set_local_description(int pc, const std::string& type, const std::string& sdp);
void set_remote_description(int pc, const std::string& type, const std::string& sdp);
void add_ice_candidate(int pc, const std::string& candidate, const std::string& mid,
                       int mline_index);
void close(int pc);

// The MediaStream of remote tracks received on `pc`, or undefined.
emscripten::val remote_stream(int pc);

}  // namespace peerline::browser::peer_connections
