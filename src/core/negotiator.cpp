// Perfect negotiation of one RTCPeerConnection (negotiator.hpp).
#include "negotiator.hpp"

#include <utility>

#include "sdp/description.hpp"

namespace peerline {

sdp::Capabilities browser_baseline_capabilities() {
    sdp::Capabilities caps;
    auto codec = [](const char* name, std::uint32_t rate, std::uint16_t channels) {
        sdp::Codec c;
        c.name = name;
        c.clock_rate = rate;
        c.channels = channels;
        return c;
    };
    caps.audio = {codec("opus", 48000, 2), codec("PCMU", 8000, 0), codec("PCMA", 8000, 0)};
    caps.video = {codec("VP8", 90000, 0), codec("VP9", 90000, 0)};
    return caps;
}

Negotiator::Negotiator(int pc, bool polite, sdp::MediaPolicy policy)
    : pc_(pc), polite_(polite), policy_(std::move(policy)) {}

const sdp::Capabilities& Negotiator::yardstick() const {
    static const sdp::Capabilities baseline = browser_baseline_capabilities();
    return local_capabilities_ ? *local_capabilities_ : baseline;
}

void Negotiator::make_offer(bool ice_restart, Out& out) {
    if (!open_ || making_offer_) return;
    // An ICE restart may replace an offer of ours that was never answered (it went out while
    // the server was away): JSEP lets createOffer run in have-local-offer.
    const bool replaces_unanswered = ice_restart && signaling_ == Signaling::have_local_offer;
    if (signaling_ != Signaling::stable && !replaces_unanswered) return;
    making_offer_ = true;
    drop_created_offer_ = false;
    out.push_back(CreateOffer{pc_, ice_restart});
}

void Negotiator::on_negotiation_needed(Out& out) {
    if (!negotiated_once_) return;
    make_offer(false, out);
}

std::optional<std::string> Negotiator::on_local_description(const std::string& type, const std::string& sdp_text,
                                                            Out& out) {
    if (!open_) return std::nullopt;
    if (type == "offer" && drop_created_offer_) {  // a remote offer won the collision meanwhile
        making_offer_ = false;
        drop_created_offer_ = false;
        return std::nullopt;
    }
    std::string text = sdp_text;
    auto parsed = sdp::parse(sdp_text);
    if (parsed) {
        auto description = std::move(parsed).value();
        if (sdp::apply_policy(description, policy_)) text = sdp::serialize(description);
        local_capabilities_ = sdp::capabilities_of(description);
    }
    // If our own browser's description does not parse, it goes out unchanged: the browser
    // knows its format better than a failed edit would.
    out.push_back(SetLocalDescription{pc_, type, text});
    if (type == "offer") {
        signaling_ = Signaling::have_local_offer;
    } else {
        signaling_ = Signaling::stable;
        negotiated_once_ = true;
    }
    return text;
}

Result<bool> Negotiator::on_remote_offer(const std::string& sdp_text, Out& out) {
    if (!open_) return false;
    // W3C WebRTC §10.7: on a collision the impolite side ignores the peer's offer; the polite
    // side takes it (setRemoteDescription rolls its own offer back implicitly).
    const bool collision = making_offer_ || signaling_ != Signaling::stable;
    if (collision && !polite_) return false;
    auto checked = sdp::validate_remote(sdp_text, yardstick());
    if (!checked) return checked.error();
    if (making_offer_) drop_created_offer_ = true;
    making_offer_ = false;
    apply_first_offer(sdp_text, out);
    return true;
}

void Negotiator::apply_first_offer(const std::string& sdp_text, Out& out) {
    signaling_ = Signaling::have_remote_offer;
    remote_sdp_ = sdp_text;
    out.push_back(SetRemoteDescription{pc_, "offer", sdp_text});
}

Result<bool> Negotiator::on_remote_answer(const std::string& sdp_text, Out& out) {
    if (!open_ || signaling_ != Signaling::have_local_offer) return false;  // stale or unasked
    auto checked = sdp::validate_remote(sdp_text, yardstick());
    if (!checked) return checked.error();
    signaling_ = Signaling::stable;
    negotiated_once_ = true;
    remote_sdp_ = sdp_text;
    out.push_back(SetRemoteDescription{pc_, "answer", sdp_text});
    return true;
}

void Negotiator::on_remote_description_set(Out& out) {
    remote_description_known_ = true;
    for (const auto& c : pending_candidates_) {
        out.push_back(AddIceCandidate{pc_, c.candidate, c.mid, c.mline_index});
    }
    pending_candidates_.clear();
    if (signaling_ != Signaling::have_remote_offer) return;
    if (answer_held_) {
        answer_waiting_ = true;
    } else {
        out.push_back(CreateAnswer{pc_});
    }
}

void Negotiator::release_answer(Out& out) {
    answer_held_ = false;
    if (answer_waiting_ && open_ && signaling_ == Signaling::have_remote_offer) out.push_back(CreateAnswer{pc_});
    answer_waiting_ = false;
}

void Negotiator::on_remote_candidate(const signal::Candidate& c, Out& out) {
    if (remote_description_known_) {
        out.push_back(AddIceCandidate{pc_, c.candidate, c.mid, c.mline_index});
    } else if (pending_candidates_.size() < 256) {  // bounded: a flood cannot grow us
        pending_candidates_.push_back(c);
    }
}

void Negotiator::close(Out& out) {
    if (open_) out.push_back(ClosePeerConnection{pc_});
    open_ = false;
    making_offer_ = false;
    answer_waiting_ = false;
    pending_candidates_.clear();
}

}  // namespace peerline
