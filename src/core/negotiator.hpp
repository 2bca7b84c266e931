// Perfect negotiation (W3C WebRTC §10.7) of one RTCPeerConnection, shared by calls and data
// links: who offers when, what happens when both offer at once, our policy applied to every
// local description, remote descriptions checked before they reach the browser, and trickle
// ICE candidates held until a remote description is known (RFC 8838 §11).
// It decides; its owner sends the signals (a call's offer carries more than a description).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actions.hpp"
#include "result.hpp"
#include "sdp/policy.hpp"
#include "sdp/validate.hpp"
#include "signal.hpp"

namespace peerline {

// What every WebRTC browser can receive (RFC 7874 §3: Opus and G.711 are mandatory): the
// yardstick for an incoming offer before we have a description of our own.
sdp::Capabilities browser_baseline_capabilities();

class Negotiator {
public:
    using Out = std::vector<Action>;

    Negotiator(int pc, bool polite, sdp::MediaPolicy policy);

    int pc() const { return pc_; }
    bool polite() const { return polite_; }
    bool open() const { return open_; }
    bool negotiated_once() const { return negotiated_once_; }

    // The owner created the RTCPeerConnection (CreatePeerConnection and its setup actions).
    void opened() { open_ = true; }
    // Asks for an offer unless one is being made or answered; the owner sends it once created.
    void make_offer(bool ice_restart, Out& out);
    // The first offer is made explicitly by the owner; later needs (tracks, channels or
    // directions changed) renegotiate.
    void on_negotiation_needed(Out& out);

    // Our browser created a description: returns the text to set and to send (policy applied),
    // or nothing when an offer lost a collision meanwhile and must be dropped.
    std::optional<std::string> on_local_description(const std::string& type, const std::string& sdp, Out& out);
    void on_local_description_set() { making_offer_ = false; }

    // A remote offer: true if it goes to the browser, false if ignored (we are the impolite
    // side of a collision), an Error if the SDP core refuses it (the owner ends with it).
    Result<bool> on_remote_offer(const std::string& sdp, Out& out);
    // The first offer of a session, held by its owner until it could open the connection.
    void apply_first_offer(const std::string& sdp, Out& out);
    // A remote answer: true if applied, false if stale or unasked, an Error if refused.
    Result<bool> on_remote_answer(const std::string& sdp, Out& out);
    void on_remote_description_set(Out& out);
    void on_remote_candidate(const signal::Candidate& candidate, Out& out);
    // A callee takes the offer while it rings but answers only once the user accepted and its
    // devices are open: until release_answer, a remote offer that is set waits for its answer.
    void hold_answer() { answer_held_ = true; }
    void release_answer(Out& out);

    // An operation failed in the browser: no offer is in the making any more.
    void on_failure() { making_offer_ = false; }
    // Closes the connection if it was opened; drops held candidates.
    void close(Out& out);

    // The remote description last accepted (for what sdp::data_channel_transport needs).
    const std::string& remote_sdp() const { return remote_sdp_; }

private:
    enum class Signaling { stable, have_local_offer, have_remote_offer };
    const sdp::Capabilities& yardstick() const;

    int pc_;
    bool polite_;
    sdp::MediaPolicy policy_;
    bool open_ = false;
    bool making_offer_ = false;
    bool drop_created_offer_ = false;  // a remote offer won while ours was being created
    Signaling signaling_ = Signaling::stable;
    bool remote_description_known_ = false;
    bool negotiated_once_ = false;
    bool answer_held_ = false;      // hold_answer(): no CreateAnswer until release_answer()
    bool answer_waiting_ = false;   // a remote offer was set while the answer was held
    std::vector<signal::Candidate> pending_candidates_;  // until a remote description is set
    std::optional<sdp::Capabilities> local_capabilities_; // from our last local description
    std::string remote_sdp_;
};

}  // namespace peerline
