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
    return std::tie(p.phase, p.end_reason, p.on_stage, p.can_share_screen, p.sharing_screen, p.remote_sharing, p.elapsed,
                    p.quality, p.quality_label, p.stats_open, p.peer_id, p.peer_name, p.video, p.status, p.ringing,
                    p.can_accept, p.can_cancel, p.can_hang_up, p.can_toggle_camera, p.mic_muted,
                    p.camera_off, p.show_local_video, p.remote_mic_muted, p.remote_camera_off,
                    p.peer_muted, p.peer_volume, p.remote_pc, p.stats_line, p.bitrate_in_history,
                    p.bitrate_out_history);
}

}  // namespace

bool operator==(const PeerTile& a, const PeerTile& b) {
    return std::tie(a.id, a.name, a.device, a.via, a.can_call, a.unread, a.link, a.offers_files) ==
           std::tie(b.id, b.name, b.device, b.via, b.can_call, b.unread, b.link, b.offers_files);
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

bool operator==(const Conversation& a, const Conversation& b) {
    return std::tie(a.peer_id, a.peer_name, a.peer_online, a.link, a.link_problem, a.chat, a.transfers) ==
           std::tie(b.peer_id, b.peer_name, b.peer_online, b.link, b.link_problem, b.chat, b.transfers);
}

bool operator==(const VoicePanel& a, const VoicePanel& b) {
    return std::tie(a.offer_to, a.offer_to_name, a.outbox, a.received, a.unsent, a.notice) ==
           std::tie(b.offer_to, b.offer_to_name, b.outbox, b.received, b.unsent, b.notice);
}

bool operator==(const RecentCall& a, const RecentCall& b) {
    return std::tie(a.peer_name, a.peer_device, a.incoming, a.missed, a.summary, a.at_ms, a.can_call_back,
                    a.call_back_reason) ==
           std::tie(b.peer_name, b.peer_device, b.incoming, b.missed, b.summary, b.at_ms, b.can_call_back,
                    b.call_back_reason);
}

bool operator==(const View& a, const View& b) {
    return std::tie(a.link, a.online, a.network_down, a.self_id, a.self_name, a.peers, a.call, a.devices, a.conversation,
                    a.invite_room, a.voice, a.recent, a.recent_missed, a.notice, a.update_ready) ==
           std::tie(b.link, b.online, b.network_down, b.self_id, b.self_name, b.peers, b.call, b.devices, b.conversation,
                    b.invite_room, b.voice, b.recent, b.recent_missed, b.notice, b.update_ready);
}

}  // namespace peerline
