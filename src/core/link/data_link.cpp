#include "link/data_link.hpp"

#include <algorithm>
#include <utility>

#include "json_depth.hpp"
#include "protocol.hpp"
#include "sdp/data_channel.hpp"
#include "sdp/description.hpp"
#include "voice/limits.hpp"

namespace peerline::link {

const char* to_string(Phase phase) {
    switch (phase) {
        case Phase::waiting: return "waiting";
        case Phase::connecting: return "connecting";
        case Phase::open: return "open";
        case Phase::reconnecting: return "reconnecting";
        case Phase::closed: return "closed";
    }
    return "closed";
}

DataLink::DataLink(LinkIds ids, std::string configuration_json)
    : ids_(std::move(ids)),
      configuration_json_(std::move(configuration_json)),
      transfers_(transfer_ids()) {}

void DataLink::open_connection(bool polite, Out& out) {
    negotiator_.emplace(ids_.pc, polite, sdp::MediaPolicy{});
    out.push_back(CreatePeerConnection{ids_.pc, configuration_json_});
    // Negotiated channels (same ids on both sides) exist before the first offer, so the offer
    // carries the data section and neither side waits for ondatachannel.
    out.push_back(CreateDataChannel{ids_.pc, "control", kControlChannel, static_cast<std::uint32_t>(kVoiceLowWaterBytes)});
    out.push_back(CreateDataChannel{ids_.pc, "files", kFilesChannel,
                                    static_cast<std::uint32_t>(transfer::kLowWaterBytes)});
    negotiator_->opened();
    phase_ = Phase::connecting;
    out.push_back(StartTimer{ids_.connect_timer, timing::kConnectMs});
}

void DataLink::start(std::string link_id, Out& out) {
    link_id_ = std::move(link_id);
    offerer_ = true;
    open_connection(/*polite=*/false, out);
    negotiator_->make_offer(false, out);
}

void DataLink::request(std::string request_id, Out& out) {
    phase_ = Phase::waiting;
    send(signal::LinkRequest{std::move(request_id)}, out);
    out.push_back(StartTimer{ids_.connect_timer, timing::kConnectMs});
}

void DataLink::answer(const signal::Offer& offer, Out& out) {
    link_id_ = offer.call;
    offerer_ = false;
    open_connection(/*polite=*/true, out);
    auto taken = negotiator_->on_remote_offer(offer.sdp, out);
    if (!taken) close(taken.error().message, true, out);
}

void DataLink::send(signal::Payload payload, Out& out) const {
    out.push_back(SendToServer{protocol::serialize(
        protocol::ClientMessage{protocol::SignalTo{ids_.peer, signal::to_json(payload)}})});
}

// ---- signals -------------------------------------------------------------------------------------

void DataLink::say_page_closed(Out& out) const {
    if (!link_id_.empty()) send(signal::Hangup{link_id_, signal::kPageClosed}, out);
}

void DataLink::on_signal(const signal::Payload& payload, Out& out) {
    // The peer's page went away, also after our link dropped: its transfers cannot resume (a new
    // visit is a new id), so they fail now with the reason instead of after the grace period.
    if (const auto* hangup = std::get_if<signal::Hangup>(&payload); hangup && hangup->reason == signal::kPageClosed) {
        const std::string why = ids_.peer_name + " closed the page";
        close(why, false, out);
        transfers_.give_up_resumes(why, out);
        return;
    }
    if (closed() || !negotiator_) return;
    if (const auto* offer = std::get_if<signal::Offer>(&payload)) {
        auto taken = negotiator_->on_remote_offer(offer->sdp, out);
        if (!taken) close(taken.error().message, true, out);
    } else if (const auto* answer = std::get_if<signal::Answer>(&payload)) {
        auto taken = negotiator_->on_remote_answer(answer->sdp, out);
        if (!taken) close(taken.error().message, true, out);
    } else if (const auto* c = std::get_if<signal::Candidate>(&payload)) {
        negotiator_->on_remote_candidate(*c, out);
    } else if (std::holds_alternative<signal::Hangup>(payload)) {
        close("the other side closed the connection", false, out);
    }
}

void DataLink::on_peer_left(Out& out) {
    peer_online_ = false;
    // An open link may outlive the signaling server (a restart); only an unopened one is lost.
    if (phase_ == Phase::waiting || phase_ == Phase::connecting) close(ids_.peer_name + " went offline", false, out);
}

// ---- the peer connection ---------------------------------------------------------------------

void DataLink::on_local_description(const std::string& type, const std::string& sdp_text, Out& out) {
    if (closed() || !negotiator_) return;
    auto text = negotiator_->on_local_description(type, sdp_text, out);
    if (!text) return;
    // Our own stack's limit: a browser sends no larger message than it says it takes.
    if (auto description = sdp::parse(*text)) {
        if (auto transport = sdp::data_channel_transport(description.value())) {
            message_limits_.local = transport->max_message_size_given ? transport->max_message_size : 0;
            apply_message_limit();
        }
    }
    if (type == "offer") {
        send(signal::Offer{link_id_, std::move(*text), false, true}, out);
    } else {
        send(signal::Answer{link_id_, std::move(*text)}, out);
    }
}

void DataLink::on_local_description_set() {
    if (negotiator_) negotiator_->on_local_description_set();
}

void DataLink::on_remote_description_set(Out& out) {
    if (closed() || !negotiator_) return;
    negotiator_->on_remote_description_set(out);
    // The chunk size follows what the peer accepts (RFC 8841 max-message-size).
    auto description = sdp::parse(negotiator_->remote_sdp());
    if (!description) return;
    if (auto transport = sdp::data_channel_transport(description.value())) {
        message_limits_.remote = *transport;
        apply_message_limit();
    }
}

void DataLink::apply_message_limit() {
    transfers_.set_message_limit(sdp::largest_sendable_message(message_limits_, transfer::kMaxChunkBytes +
                                                                                    transfer::kChunkHeaderBytes));
}

void DataLink::on_local_candidate(const std::string& candidate, const std::string& mid, int mline, Out& out) {
    if (closed() || candidate.empty()) return;
    send(signal::Candidate{link_id_, candidate, mid, mline}, out);
}

void DataLink::on_pc_state(const std::string& state, Out& out) {
    if (closed()) return;
    if (state == "connected") {
        out.push_back(CancelTimer{ids_.restart_timer});
        out.push_back(CancelTimer{ids_.reconnect_timer});
        if (phase_ == Phase::reconnecting) phase_ = Phase::open;
    } else if (state == "disconnected" || state == "failed") {
        on_connection_trouble(state == "failed", out);
    }
}

void DataLink::on_connection_trouble(bool failed, Out& out) {
    if (phase_ != Phase::open && phase_ != Phase::reconnecting) {
        if (failed) close("the connection could not be set up", true, out);
        return;
    }
    if (!peer_online_) return close(ids_.peer_name + " left", false, out);
    if (phase_ == Phase::open) {
        phase_ = Phase::reconnecting;
        out.push_back(StartTimer{ids_.reconnect_timer, timing::kReconnectMs});
    }
    if (!offerer_) return;  // only the offerer restarts ICE, as in calls
    if (failed) {
        negotiator_->make_offer(true, out);
    } else {
        out.push_back(StartTimer{ids_.restart_timer, timing::kRestartAfterDisconnectMs});
    }
}

void DataLink::on_negotiation_needed(Out& out) {
    if (!closed() && negotiator_) negotiator_->on_negotiation_needed(out);
}

void DataLink::on_pc_failed(const std::string& operation, const std::string& reason, Out& out) {
    if (closed()) return;
    if (negotiator_) negotiator_->on_failure();
    close(operation + " failed (" + reason + ")", true, out);
}

// ---- the channels ------------------------------------------------------------------------------

void DataLink::on_channel_open(int channel, std::uint64_t transport_limit, Out& out) {
    if (closed()) return;
    if (transport_limit > 0) {
        message_limits_.transport = transport_limit;
        apply_message_limit();
    }
    if (channel == kControlChannel) control_open_ = true;
    if (channel == kFilesChannel) files_open_ = true;
    if (!control_open_ || !files_open_ || phase_ == Phase::open) return;
    phase_ = Phase::open;
    out.push_back(CancelTimer{ids_.connect_timer});
    for (auto& text : chat_.take_unsent()) send_control(std::move(text), out);
    for (auto& text : std::exchange(queued_control_, {})) send_control(std::move(text), out);
    send_control(VoiceLink::features(), out);
    for (auto& [id, ogg] : std::exchange(queued_voice_, {})) send_voice_now(id, ogg, out);
    with_transfers([&](Out& o) { transfers_.on_channels_open(o); }, out);
}

void DataLink::on_channel_closed(int channel, Out& out) {
    if (closed() || (channel != kControlChannel && channel != kFilesChannel)) return;
    close("the connection to " + ids_.peer_name + " closed", false, out);
}

void DataLink::send_control(std::string text, Out& out) {
    if (control_open_) {
        out.push_back(SendChannelText{ids_.pc, kControlChannel, std::move(text)});
    } else if (queued_control_.size() < kMaxQueuedControl) {
        queued_control_.push_back(std::move(text));
    }
}

void DataLink::on_text(int channel, const std::string& text, bool visible, Out& out) {
    if (closed() || channel != kControlChannel) return;
    on_control(text, visible, out);
}

void DataLink::on_control(const std::string& text, bool visible, Out& out) {
    // Whatever the peer sends is checked before it is parsed: bounded size and nesting.
    if (text.size() > kMaxControlBytes || json_nests_deeper_than(text, 8)) return;
    auto message = nlohmann::json::parse(text, nullptr, false);
    if (message.is_discarded() || !message.is_object()) return;
    auto reply = chat_.on_message(message, visible);
    if (reply.handled) {
        if (reply.send) send_control(std::move(*reply.send), out);
        return;
    }
    const bool awaiting = voice_.awaiting_answers();
    auto voice_reply = voice_.on_message(message, voice::kMaxBytes);
    if (voice_reply.handled) {
        if (voice_reply.send) send_control(std::move(*voice_reply.send), out);
        if (awaiting && !voice_.awaiting_answers()) out.push_back(CancelTimer{ids_.voice_timer});
        return;
    }
    with_transfers([&](Out& o) { transfers_.on_control(message, o); }, out);
}

void DataLink::on_binary(int channel, std::string_view bytes, Out& out) {
    if (closed()) return;
    if (channel == kControlChannel) {  // only voice message parts are binary there
        if (auto refusal = voice_.on_part(bytes)) send_control(std::move(*refusal), out);
        return;
    }
    if (channel != kFilesChannel) return;
    with_transfers([&](Out& o) { transfers_.on_binary(bytes, o); }, out);
}

void DataLink::on_buffered(int channel, std::uint64_t amount, Out& out) {
    if (closed()) return;
    if (channel == kControlChannel) {
        control_buffered_ = amount;
        return pump_voice(out);
    }
    if (channel != kFilesChannel) return;
    with_transfers([&](Out& o) { transfers_.on_buffered(amount, o); }, out);
}

void DataLink::on_send_failed(int channel, const std::string& reason, const std::string& head, bool binary, Out& out) {
    if (closed()) return;
    if (channel == kFilesChannel) {
        // The channel is no longer open (the peer's side went): the link is lost, not the
        // transfer, which may resume on the next link. Chromium says InvalidStateError.
        if (reason.find("InvalidStateError") != std::string::npos) {
            return close("the connection to " + ids_.peer_name + " closed", false, out);
        }
        return with_transfers([&](Out& o) { transfers_.on_send_failed(head, reason, o); }, out);
    }
    if (channel != kControlChannel) return;
    if (!binary && chat_.on_send_failed(head, reason)) return;
    if (binary && presend_ && last_part_of_ == presend_->sealed_id) {
        // A part of a sealed message: what is left of it would arrive without its start; Send
        // then goes the plain way.
        presend_->intact = false;
        auto gone = [&](const VoiceOut& v) { return v.id == presend_->sealed_id; };
        voice_out_.erase(std::remove_if(voice_out_.begin(), voice_out_.end(), gone), voice_out_.end());
        return;
    }
    if (auto failure = voice_.on_send_failed(head, binary, reason); failure.ours) {
        // What is left of a failed message would reach the peer without its header.
        auto gone = [&](const VoiceOut& v) { return v.id == failure.failed; };
        voice_out_.erase(std::remove_if(voice_out_.begin(), voice_out_.end(), gone), voice_out_.end());
        return;
    }
    close("could not send to " + ids_.peer_name + ": " + reason, true, out);
}

// ---- the user ----------------------------------------------------------------------------------

void DataLink::send_chat(const std::string& text, Out& out) {
    if (closed()) return;
    if (auto wire = chat_.write(text, control_open_)) send_control(std::move(*wire), out);
}

// ---- time and the end ----------------------------------------------------------------------------

bool DataLink::on_timer(int timer, Out& out) {
    // The transfers' timers: progress, and a resume grace period perhaps started by the link
    // they came from (so asked first, by whatever id).
    bool ours = false;
    with_transfers([&](Out& o) { ours = transfers_.on_timer(timer, o); }, out);
    if (ours) return true;
    if (timer == ids_.voice_timer) {
        // Sent, and their page never said yes or no: an older page that cannot take voice
        // messages, or one that stopped reading. The Mailbox tries again when they are back.
        if (!closed()) voice_.fail_unanswered("no answer from " + ids_.peer_name + "'s page");
        return true;
    }
    if (timer != ids_.connect_timer && timer != ids_.restart_timer && timer != ids_.reconnect_timer) return false;
    if (closed()) return true;
    if (timer == ids_.connect_timer && (phase_ == Phase::waiting || phase_ == Phase::connecting)) {
        close("could not reach " + ids_.peer_name, true, out);
    } else if (timer == ids_.restart_timer && phase_ == Phase::reconnecting && offerer_) {
        negotiator_->make_offer(true, out);
    } else if (timer == ids_.reconnect_timer && phase_ == Phase::reconnecting) {
        close("lost the connection to " + ids_.peer_name, true, out);
    }
    return true;
}

void DataLink::close(const std::string& reason, bool tell, Out& out) {
    if (closed()) return;
    if (tell && !link_id_.empty()) send(signal::Hangup{link_id_, "closed"}, out);
    if (negotiator_) negotiator_->close(out);
    for (int timer : {ids_.connect_timer, ids_.restart_timer, ids_.reconnect_timer, ids_.voice_timer}) {
        out.push_back(CancelTimer{timer});
    }
    phase_ = Phase::closed;
    reason_ = reason;
    control_open_ = files_open_ = false;
    queued_control_.clear();
    queued_voice_.clear();
    voice_out_.clear();
    presend_.reset();
    chat_.fail_pending(reason);
    voice_.fail_unanswered(reason);
    Out produced;
    transfers_.on_link_lost(reason, produced);
    for (auto& action : produced) {  // nothing can be sent any more
        if (!std::holds_alternative<SendChannelText>(action) && !std::holds_alternative<SendChannelBinary>(action)) {
            out.push_back(std::move(action));
        }
    }
}

}  // namespace peerline::link
