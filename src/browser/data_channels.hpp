// RTCDataChannels keyed by (pc, negotiated id). Every callback comes back as an event; binary
// messages travel as bytes copied straight between Wasm memory and ArrayBuffers.
#pragma once

#include <cstdint>
#include <string>

namespace peerline::browser::data_channels {

void create(int pc, const std::string& label, int id, std::uint32_t buffered_low_threshold);
void send_text(int pc, int id, const std::string& text);
void send_binary(int pc, int id, const std::string& bytes);
// Reports ChannelBuffered for every channel written to since the last call (after a batch).
void report_buffered();
// The core has handled a ChannelSendFailed of this channel: sends on it go out again.
void failure_heard(int pc, int id);
// The pc closed: forget its channels without events.
void forget(int pc);

}  // namespace peerline::browser::data_channels
