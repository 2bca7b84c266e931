// Equality of views, so App emits Render only when what the page shows has changed.
#include <tuple>

#include "view.hpp"

namespace peerline {
namespace {

auto fields(const CallStats& s) {
    return std::tie(s.valid, s.bitrate_in_kbps, s.bitrate_out_kbps, s.rtt_ms, s.packet_loss_pct,
                    s.jitter_ms, s.frames_per_second, s.frame_width, s.frame_height, s.audio_codec,
                    s.video_codec, s.path);
}

auto fields(const CallPanel& p) {
    return std::tie(p.phase, p.end_reason, p.peer_id, p.peer_name, p.video, p.status, p.ringing,
                    p.can_accept, p.can_cancel, p.can_hang_up, p.can_toggle_camera, p.mic_muted,
                    p.camera_off, p.show_local_video, p.remote_mic_muted, p.remote_camera_off,
                    p.peer_muted, p.peer_volume, p.remote_pc, p.stats_line, p.bitrate_in_history,
                    p.bitrate_out_history);
}

}  // namespace

bool operator==(const PeerTile& a, const PeerTile& b) {
    return std::tie(a.id, a.name, a.device, a.via, a.can_call) ==
           std::tie(b.id, b.name, b.device, b.via, b.can_call);
}

bool operator==(const MediaDevice& a, const MediaDevice& b) {
    return std::tie(a.id, a.kind, a.label) == std::tie(b.id, b.kind, b.label);
}

bool operator==(const CallPanel& a, const CallPanel& b) {
    return fields(a) == fields(b) && fields(a.stats) == fields(b.stats);
}

bool operator==(const DeviceChoice& a, const DeviceChoice& b) {
    return std::tie(a.devices, a.audio_input, a.video_input, a.audio_output) ==
           std::tie(b.devices, b.audio_input, b.video_input, b.audio_output);
}

bool operator==(const View& a, const View& b) {
    return std::tie(a.link, a.online, a.self_id, a.self_name, a.peers, a.call, a.devices, a.notice) ==
           std::tie(b.link, b.online, b.self_id, b.self_name, b.peers, b.call, b.devices, b.notice);
}

}  // namespace peerline
