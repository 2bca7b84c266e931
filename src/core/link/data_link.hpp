// A data link with one peer (issue 7): an RTCPeerConnection without camera or microphone,
// carrying two negotiated data channels, "control" (JSON text: chat, transfer control) and
// "files" (binary transfer frames). Negotiated by the same Negotiator as calls; the peer with
// the smaller id always makes the first offer (the other asks it with a link-request), so two
// links never cross; ICE restarts come from the offerer, as in calls. Owns the chat and the
// file transfers with that peer.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actions.hpp"
#include "link/chat.hpp"
#include "link/voice_link.hpp"
#include "negotiator.hpp"
#include "sdp/data_channel.hpp"
#include "signal.hpp"
#include "transfer/transfers.hpp"

namespace peerline::link {

namespace timing {
inline constexpr int kConnectMs = 15000;               // not open by then: the peer is unreachable
inline constexpr int kRestartAfterDisconnectMs = 2000; // as calls
inline constexpr int kReconnectMs = 15000;
}  // namespace timing

inline constexpr int kControlChannel = 0;
inline constexpr int kFilesChannel = 1;
inline constexpr std::size_t kMaxControlBytes = 64 * 1024;  // a control message; more is refused
inline constexpr std::size_t kMaxQueuedControl = 64;        // sent before the channel opened

enum class Phase { waiting, connecting, open, reconnecting, closed };
const char* to_string(Phase phase);

struct LinkIds {
    std::string peer;
    std::string peer_name;
    int pc = 0;
    int connect_timer = 0;
    int restart_timer = 0;
    int reconnect_timer = 0;
    int progress_timer = 0;
    int voice_timer = 0;  // a voice message sent and not answered yet
    int resume_timer = -1;  // file transfers waiting for the next link (kResumeGraceMs)
};

class DataLink {
public:
    using Out = std::vector<Action>;

    DataLink(LinkIds ids, std::string configuration_json);

    // We have the smaller id: open the connection, its channels, and offer.
    void start(std::string link_id, Out& out);
    // We have the larger id: ask the peer to start, and wait for its offer.
    void request(std::string request_id, Out& out);
    // The peer's first offer (after our request, or on its own).
    void answer(const signal::Offer& offer, Out& out);

    const std::string& id() const { return link_id_; }
    const LinkIds& ids() const { return ids_; }
    Phase phase() const { return phase_; }
    bool closed() const { return phase_ == Phase::closed; }
    bool waiting_for_offer() const { return phase_ == Phase::waiting; }
    bool offerer() const { return offerer_; }  // we made the first offer (the smaller id)
    const std::string& reason() const { return reason_; }

    // ---- the peer, through the server (signals carrying our link id)
    void on_signal(const signal::Payload& payload, Out& out);
    void on_peer_left(Out& out);
    // Our page is going away: the peer is told that nothing of this link will resume.
    void say_page_closed(Out& out) const;
    void on_peer_back() { peer_online_ = true; }
    // ---- the peer connection
    void on_local_description(const std::string& type, const std::string& sdp, Out& out);
    void on_local_description_set();
    void on_remote_description_set(Out& out);
    void on_local_candidate(const std::string& candidate, const std::string& mid, int mline, Out& out);
    void on_pc_state(const std::string& state, Out& out);
    void on_negotiation_needed(Out& out);
    void on_pc_failed(const std::string& operation, const std::string& reason, Out& out);
    // ---- the channels
    // `transport_limit`: RTCSctpTransport.maxMessageSize, 0 if the browser has none.
    void on_channel_open(int channel, std::uint64_t transport_limit, Out& out);
    void on_channel_closed(int channel, Out& out);
    void on_text(int channel, const std::string& text, bool visible, Out& out);
    void on_binary(int channel, std::string_view bytes, Out& out);
    void on_buffered(int channel, std::uint64_t amount, Out& out);
    // send() threw: the chat message or transfer the lost message belonged to fails with the
    // browser's reason; any other control message lost leaves the link unusable, so it closes.
    void on_send_failed(int channel, const std::string& reason, const std::string& head, bool binary, Out& out);
    // ---- the user
    void send_chat(const std::string& text, Out& out);
    void offer_files(int pick, const std::vector<FileMeta>& files, Out& out);
    void accept_files(const std::string& transfer, Out& out);
    void decline_files(const std::string& transfer, Out& out);
    void cancel_transfer(const std::string& transfer, Out& out);
    void on_file_read(int pick, int file, std::uint64_t offset, std::string_view bytes, Out& out);
    void on_file_read_failed(int pick, int file, const std::string& reason, Out& out);
    // The shell's storage of received files; false: not this link's key or sink.
    bool on_storage_checked(const StorageChecked& e, Out& out);
    bool on_sink_stored(const std::string& sink, Out& out);
    bool on_sink_failed(const std::string& sink, const std::string& reason, Out& out);
    // ---- voice messages (link/voice_link.hpp): ours go now, or when the channel opens
    void send_voice(const std::string& id, std::string_view ogg, Out& out);
    // While its maker listens back (docs/voice.md "Sent while you listen back"): the recording
    // goes out sealed under `key` as `sealed_id`; false if this link cannot carry it now (not
    // open, or an older page on the other side). open_voice releases it as message `id` (false:
    // the sealed bytes did not all go out, send it plainly); withdraw_voice drops it on both sides.
    bool presend_voice(const std::string& sealed_id, std::string_view ogg, const SealKey& key, Out& out);
    bool open_voice(const std::string& sealed_id, const std::string& id, const SealKey& key, std::string_view ogg, Out& out);
    void withdraw_voice(const std::string& sealed_id, Out& out);
    // The Mailbox decided on an arrival: nullopt acknowledges it, an error refuses it.
    void answer_voice(const std::string& id, const std::optional<Error>& refusal, Out& out);
    std::vector<VoiceArrival> take_voice_arrivals() { return voice_.take_arrivals(); }
    std::vector<VoiceOutcome> take_voice_outcomes() { return voice_.take_outcomes(); }
    // ---- time; false if the timer is not this link's
    bool on_timer(int timer, Out& out);
    // Ends the link here (and tells the peer when `tell`): unfinished transfers fail, chat
    // messages not acknowledged fail.
    void close(const std::string& reason, bool tell, Out& out);
    // The link is being replaced: the received files only it shows are deleted from storage.
    void delete_received_files(Out& out) { transfers_.delete_stored_files(out); }

    Chat& chat() { return chat_; }
    const Chat& chat() const { return chat_; }
    const transfer::Transfers& transfers() const { return transfers_; }
    // Carries the conversation over from the link this one replaces.
    void adopt_chat(Chat chat) { chat_ = std::move(chat); }
    // File transfers waiting to resume (framing v2) go on with the link that replaces this one;
    // the finished ones stay behind (their stored files are deleted).
    transfer::Transfers take_transfers(Out& out);
    void adopt_transfers(transfer::Transfers transfers);

private:
    void open_connection(bool polite, Out& out);
    void send(signal::Payload payload, Out& out) const;
    void send_control(std::string text, Out& out);
    void on_control(const std::string& text, bool visible, Out& out);
    void on_connection_trouble(bool failed, Out& out);
    void apply_message_limit();
    transfer::LinkIds transfer_ids() const;
    void send_voice_now(const std::string& id, std::string_view ogg, Out& out);
    void pump_voice(Out& out);
    // Runs a step of the transfers and moves its actions to `out`, holding control messages
    // back while the channel is not open yet.
    template <typename Step>
    void with_transfers(Step&& step, Out& out);

    LinkIds ids_;
    std::string configuration_json_;
    std::string link_id_;
    Phase phase_ = Phase::connecting;
    std::string reason_;  // why it closed
    bool offerer_ = false;
    bool peer_online_ = true;
    std::optional<Negotiator> negotiator_;
    bool control_open_ = false;
    bool files_open_ = false;
    std::vector<std::string> queued_control_;  // until the control channel opens
    std::vector<std::pair<std::string, std::string>> queued_voice_;  // (id, ogg) until it opens
    // Voice headers and parts not yet handed to the browser, in order, each with its message id;
    // paced by the control channel's bufferedAmount (kVoiceHighWaterBytes).
    struct VoiceOut {
        std::string id;
        bool binary = false;
        std::string bytes;
    };
    std::deque<VoiceOut> voice_out_;
    std::string last_part_of_;  // the message whose part was handed to the browser last
    struct Presend {
        std::string sealed_id;
        bool intact = true;  // false once a part of it failed to go out
    };
    std::optional<Presend> presend_;
    std::uint64_t control_buffered_ = 0;
    VoiceLink voice_;
    sdp::MessageSizeLimits message_limits_;    // both descriptions' and the transport's
    Chat chat_;
    transfer::Transfers transfers_;
};

// Defined here: data_link.cpp and data_link_files.cpp both run transfer steps through it.
template <typename Step>
void DataLink::with_transfers(Step&& step, Out& out) {
    Out produced;
    step(produced);
    for (auto& action : produced) {
        if (auto* text = std::get_if<SendChannelText>(&action); text && !control_open_) {
            send_control(std::move(text->text), out);
        } else {
            out.push_back(std::move(action));
        }
    }
}

}  // namespace peerline::link
