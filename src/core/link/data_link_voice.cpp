// DataLink: voice messages (link/voice_link.hpp, docs/voice.md "On the wire"). Headers, parts and
// openings share one queue, paced by the control channel's bufferedAmount, so they reach the
// peer in the order they were queued: an opening never overtakes the sealed parts it opens.
#include <algorithm>
#include <utility>

#include "link/data_link.hpp"
#include "sdp/data_channel.hpp"
#include "voice/limits.hpp"

namespace peerline::link {

void DataLink::send_voice(const std::string& id, std::string_view ogg, Out& out) {
    if (closed() || ogg.empty() || ogg.size() > voice::kMaxBytes) return;
    voice_.sent(id);  // from now on it is answered, or fails with the link or the timer
    if (control_open_) return send_voice_now(id, ogg, out);
    queued_voice_.emplace_back(id, std::string(ogg));
}

void DataLink::send_voice_now(const std::string& id, std::string_view ogg, Out& out) {
    // Parts as large as both sides take (known once the channel is open), at most
    // kMaxVoicePartBytes.
    const auto part = sdp::largest_sendable_message(message_limits_, kMaxVoicePartBytes);
    auto wire = VoiceLink::encode(id, ogg, voice::kMaxBytes, part);
    voice_out_.push_back(VoiceOut{id, false, std::move(wire.header)});
    for (auto& bytes : wire.parts) voice_out_.push_back(VoiceOut{id, true, std::move(bytes)});
    pump_voice(out);
    out.push_back(StartTimer{ids_.voice_timer, kVoiceAnswerMs});
}

bool DataLink::presend_voice(const std::string& sealed_id, std::string_view ogg, const SealKey& key, Out& out) {
    if (phase_ != Phase::open || !control_open_ || !voice_.peer_takes_sealed()) return false;
    auto wire = VoiceLink::seal(sealed_id, ogg, key, voice::kMaxBytes,
                                sdp::largest_sendable_message(message_limits_, kMaxVoicePartBytes));
    if (wire.header.empty()) return false;
    if (presend_) withdraw_voice(presend_->sealed_id, out);
    presend_ = Presend{sealed_id, true};
    voice_out_.push_back(VoiceOut{sealed_id, false, std::move(wire.header)});
    for (auto& bytes : wire.parts) voice_out_.push_back(VoiceOut{sealed_id, true, std::move(bytes)});
    pump_voice(out);
    return true;
}

bool DataLink::open_voice(const std::string& sealed_id, const std::string& id, const SealKey& key, std::string_view ogg,
                          Out& out) {
    if (closed() || !presend_ || presend_->sealed_id != sealed_id) return false;
    const bool intact = presend_->intact;
    presend_.reset();
    if (!intact) {
        send_control(VoiceLink::withdrawal(sealed_id), out);
        return false;
    }
    voice_.sent(id);
    // Behind the sealed parts still queued: the peer opens what arrived whole.
    voice_out_.push_back(VoiceOut{id, false, VoiceLink::opening(sealed_id, id, key, ogg)});
    pump_voice(out);
    out.push_back(StartTimer{ids_.voice_timer, kVoiceAnswerMs});
    return true;
}

void DataLink::withdraw_voice(const std::string& sealed_id, Out& out) {
    if (closed() || !presend_ || presend_->sealed_id != sealed_id) return;
    presend_.reset();
    // Parts not handed to the browser yet never leave; the peer drops what did.
    auto unsent = [&](const VoiceOut& v) { return v.id == sealed_id; };
    voice_out_.erase(std::remove_if(voice_out_.begin(), voice_out_.end(), unsent), voice_out_.end());
    voice_out_.push_back(VoiceOut{sealed_id, false, VoiceLink::withdrawal(sealed_id)});
    pump_voice(out);
}

void DataLink::pump_voice(Out& out) {
    while (!voice_out_.empty() && control_buffered_ < kVoiceHighWaterBytes) {
        auto next = std::move(voice_out_.front());
        voice_out_.pop_front();
        if (!next.binary) {
            send_control(std::move(next.bytes), out);
            continue;
        }
        last_part_of_ = next.id;
        control_buffered_ += next.bytes.size();  // until the shell reports the real amount
        out.push_back(SendChannelBinary{ids_.pc, kControlChannel, std::move(next.bytes)});
    }
}

void DataLink::answer_voice(const std::string& id, const std::optional<Error>& refusal, Out& out) {
    if (!closed()) send_control(VoiceLink::answer(id, refusal), out);
}

}  // namespace peerline::link
