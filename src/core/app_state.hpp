// App's private state (app.hpp keeps it opaque), shared by the files that implement it by topic:
// app.cpp (the signaling link, the roster, calls, media, timers, App::handle), app_links.cpp
// (data links: chat and files), app_voice.cpp (voice messages), app_history.cpp (the call
// history), app_self.cpp (our name, the invite room), app_view.cpp (the View and the stamp that
// lets quiet events skip it). Not for use outside those files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "app.hpp"
#include "call.hpp"
#include "call_history.hpp"
#include "link/data_link.hpp"
#include "protocol.hpp"
#include "signal.hpp"
#include "voice_mail.hpp"

namespace peerline {

struct App::State {
    using Out = std::vector<Action>;

    AppConfig config;
    LinkState link = LinkState::connecting;
    bool online = false;
    int reconnect_attempt = 0;
    int reconnect_timer = 0;
    std::string self_id;
    std::string resume_token;  // from the last welcome: reclaims self_id after a reconnect
    nlohmann::json ice_servers = nlohmann::json::array();
    std::vector<protocol::PeerInfo> peers;  // in join order
    std::optional<Call> call;               // the current or last call
    // By peer id: chat and files, on demand. Boxed: a link is neither copied nor moved.
    std::map<std::string, std::unique_ptr<link::DataLink>> links;
    std::map<int, std::string> picks;       // files the shell keeps → the peer they go to
    std::string open_conversation;          // peer whose chat and transfers are shown
    voice_mail::Mailbox voice_mail;
    // The recording its maker listens back to, already on its way sealed (app_voice.cpp).
    struct PreparedVoice {
        std::string peer;
        std::string sealed_id;
        link::SealKey key{};
        std::string digest;  // XXH3-128 of the bytes: Send must be for this very recording
    };
    std::optional<PreparedVoice> prepared_voice;
    int next_sealed = 1;
    call_history::History history;
    // The browser's clock as the last event that carried it said (ServerText, CallIntent): dates
    // a call when it begins. The core reads no clock.
    double clock_ms = 0;
    // The current call, as the history will record it (app_history.cpp): who, since when.
    struct CallRecord {
        std::string call;  // call id; "" : none pending
        std::string peer_device;
        double at_ms = 0;
    } call_record;
    bool network_down = false;  // the browser says the device has no network (NetworkChanged)
    // Set by handlers of events that only move bytes or candidates (see App::handle).
    bool quiet = false;
    int link_seq = 0;
    DeviceChoice devices;
    int next_pc = 1;
    int next_timer = 1;
    int call_seq = 0;
    // Whether getUserMedia will open a device without a prompt: a call we place may then offer
    // before our devices are open (Call::place). The Permissions API's answer is trusted when
    // there is one ("prompt" after a one-time grant means the next call asks again); without
    // it, a device opened before on this page counts.
    struct DeviceAccess {
        std::optional<bool> granted;  // DevicePermission
        bool opened = false;          // MediaReady
        bool allowed() const { return granted ? *granted : opened; }
    };
    DeviceAccess microphone, camera;
    std::string notice;
    bool stats_open = false;  // the statistics panel, as the user left it
    bool update_ready = false;  // ShellUpdateReady
    // Refusals sent back per peer (refuse_signal): bounded, so a peer that floods us with
    // malformed signals cannot make us spend our own rate limit on answers.
    std::map<std::string, int> refusals_sent;
    static constexpr int kMaxRefusalsPerPeer = 8;

    const protocol::PeerInfo* find_peer(const std::string& id) const;
    bool in_call() const { return call && call->active(); }
    Call* call_for_pc(int pc);
    link::DataLink* link_for_pc(int pc);
    link::DataLink* link_with(const std::string& peer);
    // Runs `step` on the call or the data link that owns pc `pc`.
    template <typename CallStep, typename LinkStep>
    void on_pc(int pc, CallStep&& call_step, LinkStep&& link_step) {
        if (auto* c = call_for_pc(pc)) return call_step(*c);
        if (auto* l = link_for_pc(pc)) link_step(*l);
    }

    CallSettings call_settings() const;
    CallIds new_call_ids(const protocol::PeerInfo& peer, std::string call_id);
    void send_signal(const std::string& to, const signal::Payload& payload, Out& out) const;

    // ---- data links -----------------------------------------------------------------------------
    // A fresh link object for `peer`, carrying over the chat of the one it replaces.
    link::DataLink& new_link(const protocol::PeerInfo& peer, Out& out);
    // The link to `peer_id`, opened now if there is none; nullptr if they are not online.
    link::DataLink* ensure_link(const std::string& peer_id, Out& out);
    void on_link_offer(const protocol::PeerInfo& peer, const signal::Offer& offer, Out& out);
    void on_link_request(const protocol::PeerInfo& peer, Out& out);
    // After every event: a closed link whose file transfers wait to resume (framing v2) is
    // replaced by a new one while the peer is online.
    void resume_transfers(Out& out);
    bool visible(const std::string& peer) const;
    const link::DataLink* link_of(const std::string& peer) const;

    // ---- the signaling link -------------------------------------------------------------------
    void on(const AppStarted&, Out& out);
    void on(const NetworkChanged& e, Out& out);
    void on(const ServerOpened&, Out& out);
    void on(const ServerClosed&, Out& out);
    void on(const ServerText& e, Out& out);

    // ---- voice messages (app_voice.cpp) ----------------------------------------------------------
    void on(const ServerBinary& e, Out& out);
    void on(const VoiceRecordingStarted& e, Out& out);
    void on(const VoiceMessageRecorded& e, Out& out);
    void on(const VoiceMessagePrepared& e, Out& out);
    void on(const VoiceMessageWithdrawn& e, Out& out);
    void withdraw_prepared_voice(Out& out);
    void on(const StoredVoicesLoaded& e, Out& out);
    void on(const VoiceStored& e, Out& out);
    void on(const VoicePlayedIntent& e, Out& out);
    void on(const DeleteVoiceIntent& e, Out& out);
    // Sends our message `id` to `peer_id` over the link (opened on demand), or marks it waiting.
    void deliver_voice(const std::string& peer_id, const std::string& id, Out& out);
    void retry_voice(const std::string& peer_id, Out& out);  // they are back: what waits goes
    void receive_voice(link::DataLink& l, const link::VoiceArrival& arrival, double at_ms, Out& out);
    // After every event: what became of messages we sent.
    void settle_voice(Out& out);

    // ---- call history (app_history.cpp) -----------------------------------------------------------
    void on(const CallHistoryLoaded& e, Out&);
    void on(const CallBackIntent& e, Out& out);
    // A call begins with `peer`: noted, to be recorded when it ends.
    void note_call(const protocol::PeerInfo& peer);
    // After every event: a call that ended is added to the history (once) and stored.
    void settle_history(Out& out);
    // A call that rang while we were in another one (answered busy): a missed call for us.
    void record_busy(const protocol::PeerInfo& peer, bool video, Out& out);
    // The peer online now who is the one of `entry` (name and device: ids change every visit).
    const protocol::PeerInfo* match(const call_history::Entry& entry) const;
    void fill_recent(View& v) const;

    // ---- server messages ---------------------------------------------------------------------
    void on_server(const protocol::Welcome& m, Out&);
    void on_server(const protocol::PeerJoined& m, Out&);
    void on_server(const protocol::PeerLeft& m, Out& out);
    void on_server(const protocol::SignalFrom& m, Out& out);
    void refuse_signal(const protocol::SignalFrom& m, const std::string& reason, Out& out);
    void on_server(const protocol::ErrorMessage& m, Out& out);

    // ---- the user ----------------------------------------------------------------------------
    void on(const CallIntent& e, Out& out);
    void on(const AcceptIntent& e, Out& out);
    void on(const DeclineIntent&, Out& out);
    void on(const HangUpIntent&, Out& out);
    void on(const PageClosing&, Out& out);  // app_links.cpp
    void on(const SetMicMuted& e, Out& out);
    void on(const SetCameraOff& e, Out& out);
    void on(const SetPeerMuted& e, Out&);
    void on(const SetPeerVolume& e, Out&);
    void on(const ShareScreenIntent& e, Out& out);
    void on(const ScreenShareStarted&, Out& out);
    void on(const ScreenShareFailed& e, Out& out);
    void on(const ScreenShareEnded&, Out& out);
    void on(const ShowStatsIntent& e, Out&) { stats_open = e.open; }
    void on(const PageRequestFailed& e, Out&);
    void on(const ShellUpdateReady&, Out&) { update_ready = true; }
    void on(const ShellInstallFailed& e, Out&);
    void on(const SelectDevice& e, Out& out);

    // ---- local media -------------------------------------------------------------------------
    void on(const MediaReady& e, Out& out);
    void on(const DevicePermission& e, Out& out);
    void on(const MediaFailed& e, Out& out);
    void on(const DevicesListed& e, Out&);
    void on(const DeviceSwitched& e, Out&);

    // ---- the peer connection -----------------------------------------------------------------
    void on(const LocalDescriptionCreated& e, Out& out);
    void on(const LocalDescriptionSet& e, Out& out);
    void on(const RemoteDescriptionSet& e, Out& out);
    void on(const LocalCandidate& e, Out& out);
    void on(const PcStateChanged& e, Out& out);
    void on(const NegotiationNeeded& e, Out& out);
    void on(const RemoteTrackAdded& e, Out&);
    void on(const PcOperationFailed& e, Out& out);
    void on(const StatsReport& e, Out&);
    void on(const TimerFired& e, Out& out);

    void on(const RenameIntent& e, Out& out);

    // ---- chat and files ----------------------------------------------------------------------
    void on(const OpenLinkIntent& e, Out& out);
    void on(const ChatReadIntent& e, Out&);
    void on(const SendChatIntent& e, Out& out);
    void on(const FilesChosen& e, Out& out);
    void on(const AcceptFilesIntent& e, Out& out);
    void on(const DeclineFilesIntent& e, Out& out);
    void on(const CancelTransferIntent& e, Out& out);
    link::DataLink* link_for_pick(int pick);
    void on(const FileChunkRead& e, Out& out);
    void on(const FileReadFailed& e, Out& out);
    void on(const StorageChecked& e, Out& out);
    void on(const FileSinkStored& e, Out& out);
    void on(const FileSinkFailed& e, Out& out);
    void on(const ChannelOpened& e, Out& out);
    void on(const ChannelClosed& e, Out& out);
    void on(const ChannelText& e, Out& out);
    void on(const ChannelBinary& e, Out& out);
    void on(const ChannelBuffered& e, Out& out);
    void on(const ChannelSendFailed& e, Out& out);
    // A file offer needs an answer: if no conversation is open, open theirs.
    void show_file_offers(const link::DataLink& l);
    static bool offers_files(const link::DataLink& l);
    void on(const InviteIntent& e, Out& out);

    // What a quiet event could change that the page shows: if this is equal before and after
    // it, the View is too (verified in every unit test: AppConfig::verify_view_skips).
    struct Stamp {
        std::string notice;
        CallPhase call_phase = CallPhase::idle;
        std::vector<std::tuple<link::Phase, std::uint64_t, std::size_t, int>> links;
        bool operator==(const Stamp& o) const {
            return notice == o.notice && call_phase == o.call_phase && links == o.links;
        }
    };
    Stamp stamp() const;

    View build_view() const;
    void fill_voice(VoicePanel& v) const;
    void fill_conversation(Conversation& c) const;
};

}  // namespace peerline
