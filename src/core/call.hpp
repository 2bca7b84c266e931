// One call with one peer: who offers, when candidates may be applied, when the call is up or
// over. It turns its inputs into Actions; App routes events to it and owns the ids it uses.
#pragma once

#include <string>
#include <vector>

#include "actions.hpp"
#include "signal.hpp"
#include "view.hpp"

namespace peerline {

enum class CallRole { caller, callee };

struct CallIds {
    std::string call;      // unique per call, carried in every signal of it
    std::string peer;      // the other side's server id
    int pc = 0;            // RTCPeerConnection id in the shell
    int connect_timer = 0; // ends a call stuck before "connected"
};

class Call {
public:
    static constexpr int kConnectTimeoutMs = 20000;

    // A call we place: asks for media, then offers.
    static Call outgoing(CallIds ids, std::string configuration_json, std::vector<Action>& out);
    // A call offered to us (auto-accepted for now): asks for media, then answers `offer_sdp`.
    static Call incoming(CallIds ids, std::string configuration_json, std::string offer_sdp,
                         std::vector<Action>& out);

    void on_media_ready(std::vector<Action>& out);
    void on_media_failed(const std::string& reason, std::vector<Action>& out);
    void on_local_description(const std::string& type, const std::string& sdp,
                              std::vector<Action>& out);
    void on_remote_description_set(std::vector<Action>& out);
    void on_local_candidate(const std::string& candidate, const std::string& mid, int mline,
                            std::vector<Action>& out);
    void on_pc_state(const std::string& state, std::vector<Action>& out);
    void on_remote_track(std::vector<Action>& out);
    void on_pc_failed(const std::string& operation, const std::string& reason,
                      std::vector<Action>& out);
    void on_signal(const signal::Payload& payload, std::vector<Action>& out);
    void on_connect_timeout(std::vector<Action>& out);
    void hang_up(std::vector<Action>& out);
    // The peer went away (left the server): nothing more can be said to it.
    void on_peer_gone(std::vector<Action>& out);

    const CallIds& ids() const { return ids_; }
    CallRole role() const { return role_; }
    CallPhase phase() const { return phase_; }
    bool active() const { return phase_ != CallPhase::ended; }
    bool has_remote_media() const { return remote_media_; }
    const std::string& end_reason() const { return end_reason_; }

private:
    Call(CallIds ids, CallRole role, std::string configuration_json);

    void send(signal::Payload payload, std::vector<Action>& out) const;
    void open_peer_connection(std::vector<Action>& out);
    void apply_remote_description(const std::string& type, const std::string& sdp,
                                  std::vector<Action>& out);
    // Ends the call locally: closes the connection, releases the devices, stops the timer.
    void end(const std::string& reason, std::vector<Action>& out);

    CallIds ids_;
    CallRole role_;
    std::string configuration_json_;
    CallPhase phase_ = CallPhase::calling;
    std::string pending_offer_sdp_;            // callee: offer held until media is ready
    bool pc_open_ = false;
    bool remote_description_set_ = false;
    std::vector<signal::Candidate> pending_candidates_;  // until the remote description is set
    bool remote_media_ = false;
    std::string end_reason_;
};

}  // namespace peerline
