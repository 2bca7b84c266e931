// File transfers with one peer over its DataLink (docs/transfer.md): offers both ways, a queue of
// accepted transfers sent one at a time, chunk framing with backpressure, checksums, progress,
// cancel. Event in, Actions out; deterministic: time enters only through on_timer.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "actions.hpp"
#include "events.hpp"
#include "result.hpp"
#include "transfer/incoming.hpp"
#include "transfer/limits.hpp"
#include "transfer/messages.hpp"
#include "transfer/outgoing.hpp"
#include "transfer/pump.hpp"
#include "transfer/view.hpp"

namespace peerline::transfer {

struct LinkIds {  // given by the DataLink
    std::string peer;         // the other side's id: makes sink keys unique
    int pc = 0;
    int control_channel = 0;  // JSON text messages ("type": "transfer-...")
    int files_channel = 1;    // binary frames
    int progress_timer = 0;   // one timer id reserved for this object
    int resume_timer = -1;    // another: the grace period of transfers waiting to resume
};

class Transfers {
public:
    using Out = std::vector<Action>;
    explicit Transfers(LinkIds ids);
    ~Transfers();
    Transfers(Transfers&&) noexcept;
    Transfers& operator=(Transfers&&) noexcept;

    // The largest data-channel message we may send (sdp::largest_sendable_message: the smaller
    // of both sides' limits); chunk frames are sized to fit. Until told, RFC 8841's 64 KiB.
    void set_message_limit(std::uint64_t bytes);
    // Behave as a peer from before framing v2 (no "blocks" in offers, ignored in them): tests
    // and the benchmark play an older peer with it.
    void speak_v1_only() { v2_ = false; }

    // ---- the user (local)
    // Offers the files the shell keeps under `pick` (one pick per offer: it is released when the
    // transfer ends). Names are sanitized; an offer past the limits ends at once as failed.
    void offer(int pick, const std::vector<FileMeta>& files, Out& out);
    void accept(const std::string& id, Out& out);
    void decline(const std::string& id, Out& out);
    void cancel(const std::string& id, Out& out);  // either direction, any unfinished state

    // ---- the link
    void on_channels_open(Out& out);
    // False if `message` is not a transfer message (the DataLink handles it). Malformed ones are
    // refused (see refusals()), or fail their transfer with a reason; never a crash.
    bool on_control(const nlohmann::json& message, Out& out);
    void on_binary(std::string_view frame, Out& out);
    void on_buffered(std::uint64_t amount, Out& out);
    void on_file_read(int pick, int file, std::uint64_t offset, std::string_view bytes, Out& out);
    void on_file_read_failed(int pick, int file, const std::string& reason, Out& out);
    // Framing v2 transfers under way go to `reconnecting` for kResumeGraceMs (the object then
    // goes to the next link with the peer: rebind); all others end as before.
    void on_link_lost(const std::string& reason, Out& out);
    // ---- resume (transfers_resume.cpp)
    // Something waits for the next link with this peer: a transfer to resume, or a message
    // about one (a cancel said while the link was down).
    bool resumable() const;
    // Nothing will resume (the peer's page went away): what waits fails now with `why`.
    void give_up_resumes(const std::string& why, Out& out);
    // This object now serves a new link (its ids). Finished transfers stay with the old link:
    // drop_finished deletes them and their stored files first.
    void drop_finished(Out& out);
    void rebind(LinkIds ids);
    // ---- the shell's storage (transfers_storage.cpp); false: the key or sink is not ours
    bool on_storage_checked(const StorageChecked& e, Out& out);
    bool on_sink_stored(const std::string& sink, Out& out);
    bool on_sink_failed(const std::string& sink, const std::string& reason, Out& out);
    // This object is about to go (its link was replaced): nothing will show the files it
    // stored any more, so they are deleted.
    void delete_stored_files(Out& out);
    // The browser's send() threw for a files-channel message whose first bytes are `head`: the
    // transfer it belonged to (by the frame header; else the one being sent) fails with `reason`.
    void on_send_failed(std::string_view head, const std::string& reason, Out& out);
    bool on_timer(int timer, Out& out);  // false if not our timer

    // Newest last. Rebuilt only when revision() moved, so calling it per event is cheap.
    const std::vector<TransferView>& view() const;
    bool busy() const;                       // something offered, queued or running

    // ---- added: for logs, tests and the benchmark
    std::uint64_t chunk_bytes() const { return pump_.chunk_bytes(); }  // payload per chunk frame
    // Sender's bufferedAmount estimate + bytes asked for or held: kept ≤ kHighWaterBytes.
    std::uint64_t outstanding_bytes() const { return pump_.buffered_estimate() + pump_.reading_bytes(); }
    // The latest inputs refused without a transfer to fail (unknown ids, malformed messages,
    // frames of finished transfers ...), newest last, at most kMaxRefusalsKept.
    const std::deque<Error>& refusals() const { return refusals_; }
    static constexpr std::size_t kMaxRefusalsKept = 16;
    // Changes whenever view() may have changed (ticks, state changes, new or dropped entries):
    // the App can skip copying and comparing the view while it stays the same.
    std::uint64_t revision() const { return *revision_; }

private:
    OutgoingTransfer* find_outgoing(const std::string& wire_id);
    IncomingTransfer* find_incoming(std::uint32_t number);
    IncomingTransfer* running_incoming();

    // control messages
    void on_offer(const OfferMessage& m, Out& out);
    void on_accept(const AcceptMessage& m, Out& out);
    void on_decline(const DeclineMessage& m, Out& out);
    void on_cancel(const CancelMessage& m, Out& out);
    void on_failed(const FailedMessage& m, Out& out);
    void on_verified(const VerifiedMessage& m, Out& out);
    void on_resume(const ResumeMessage& m, Out& out);
    // On a new link: each incoming transfer waiting to resume asks its sender to continue.
    void ask_to_resume(Out& out);
    void fail_resumes(const std::string& why, Out& out);  // every transfer waiting to resume
    void refuse_offer(const std::string& wire_id, std::vector<FileRecord> files, const std::string& why, Out& out);

    // frames
    void on_chunk(IncomingTransfer& t, const ChunkFrame& f, Out& out);
    void on_file_end(IncomingTransfer& t, const FileEndFrame& f, Out& out);
    // Bytes that accepted incoming transfers other than `except` have still to write.
    std::uint64_t bytes_still_coming(const IncomingTransfer* except) const;

    // endings
    void stop_outgoing(OutgoingTransfer& t, State s, const std::string& why, std::int64_t file,
                       bool tell_peer, Out& out);
    void stop_incoming(IncomingTransfer& t, State s, const std::string& why, std::int64_t file,
                       bool tell_peer, Out& out);

    void send(const Message& m, Out& out);
    void start_next(Out& out);
    void pump(Out& out);   // pump_.pump + what follows when the sending transfer is through
    void after(Out& out);  // timer on/off, history bounded
    void refuse(Error error);
    void delete_stored(IncomingTransfer& t, Out& out);  // CloseFileSink{keep: false} for its done files

    LinkIds ids_;
    bool open_ = false;
    bool timer_running_ = false;
    bool v2_ = true;
    std::uint32_t link_generation_ = 0;  // rebind() counts the links this object served
    int grace_timer_ = -1;  // the resume timer in flight (perhaps of an earlier link's ids)
    std::uint64_t next_order_ = 1;
    std::uint32_t next_number_ = 1;
    std::vector<std::unique_ptr<OutgoingTransfer>> outgoing_;
    std::vector<std::unique_ptr<IncomingTransfer>> incoming_;
    std::deque<OutgoingTransfer*> accepted_;  // waiting for the pump, in order of acceptance
    ChunkPump pump_;
    std::vector<std::string> unsent_control_;  // said before the channels opened
    std::deque<Error> refusals_;
    // On the heap so that records can point at it and Transfers can still be moved.
    std::unique_ptr<std::uint64_t> revision_ = std::make_unique<std::uint64_t>(1);
    mutable std::uint64_t cached_revision_ = 0;
    mutable std::vector<TransferView> cached_view_;
};

}  // namespace peerline::transfer
