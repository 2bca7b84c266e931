// Two Transfers objects wired back to back, the way two browsers' DataLinks would be: what one
// sends on the control or files channel reaches the other in order; the shell's part (reading
// picked files, assembling received files in sinks, timers, bufferedAmount) is played from
// memory. Deliveries and read answers are tasks run first-in first-out, so a side's reads may
// complete after the peer's messages, as in a browser.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "transfer/transfers.hpp"

namespace peerline::transfer::test {

struct FakeSink {
    std::string name;
    std::uint64_t size = 0;
    std::string mime;
    std::string bytes;
    bool closed = false;
    bool kept = false;
    bool stored = false;   // the shell answered FileSinkStored
    bool failed = false;   // the shell answered FileSinkFailed (and dropped the bytes)
    bool deleted = false;  // CloseFileSink{keep: false}, also after it was stored
};

struct FakeSide {
    FakeSide(std::string peer, int pc) : peer_id(peer), transfers(LinkIds{std::move(peer), pc, 0, 1, 7, 8}) {}

    std::string peer_id;
    Transfers transfers;
    std::map<int, std::vector<std::string>> picks;  // the files the "user" picked, by pick
    std::set<int> released;                         // picks the core let go of
    std::map<std::string, FakeSink> sinks;
    bool timer_running = false;
    int grace_timer = -1;        // the resume grace timer running, if any (its id)
    std::size_t rewinds = 0;     // RewindFileSink executed

    // The files channel's send queue (bufferedAmount): grows by each frame sent; a draining
    // channel empties it before it reports, after each batch of sends; a stuck one keeps it
    // until the test calls LinkPair::drain.
    bool channel_drains = true;
    std::uint64_t channel_queue = 0;
    std::uint64_t max_outstanding = 0;  // the most Transfers::outstanding_bytes() ever said
    std::size_t frames_sent = 0;
    // Edits or drops (false) each frame this side sends, before the peer sees it.
    std::function<bool(std::string&)> tamper;
    // The same for each control message (JSON) this side sends.
    std::function<bool(nlohmann::json&)> tamper_control;

    // Reads: answered as tasks; `hold_reads` keeps them in `held_reads` until the test says.
    bool hold_reads = false;
    bool reverse_reads = false;  // answer each batch of reads last-first
    std::vector<ReadFileChunk> held_reads;
    std::size_t reads_asked = 0;

    std::vector<nlohmann::json> control_sent;  // every control message this side sent

    // The shell's storage: what navigator.storage.estimate() answers (nullopt: no estimate),
    // the estimates asked, and a write failure after this many bytes were stored in all.
    std::optional<std::uint64_t> storage_free = std::uint64_t{1} << 40;
    std::vector<CheckStorage> storage_checks;
    std::optional<std::uint64_t> fail_writes_after;
    std::uint64_t bytes_stored = 0;
    bool hold_stores = false;  // keep-closes wait in held_stores until the test says
    std::vector<std::string> held_stores;
};

class LinkPair {
public:
    LinkPair() : a("peer-b", 1), b("peer-a", 1) {}

    FakeSide a;  // the two sides; a's LinkIds name b as its peer and vice versa
    FakeSide b;
    bool connected = true;  // false: whatever is sent is lost (the link broke)

    // Runs `f` on a side's Transfers with a fresh Out, executes the actions, runs to quiet.
    void act(FakeSide& side, const std::function<void(Transfers&, Transfers::Out&)>& f);
    void open();  // both sides: on_channels_open
    int offer(FakeSide& from, std::vector<std::pair<std::string, std::string>> files);  // → pick
    void run(std::size_t max_tasks = 10'000'000);
    void answer_held_reads(FakeSide& side);
    void answer_held_stores(FakeSide& side);  // FileSinkStored for each held keep-close
    // The stuck channel sends `bytes` of its queue and reports (as on bufferedamountlow).
    void drain(FakeSide& side, std::uint64_t bytes);
    // Fires the progress timer of a side once (if it is running).
    void tick(FakeSide& side);
    // The link drops: nothing sent arrives any more, and both sides hear it.
    void drop(const std::string& reason = "the channel closed");
    // A new link with the same peer (as the App makes one): each side's transfers drop what
    // finished, serve the new link's ids (pc + 1), and the channels open.
    void reconnect();
    void fire_grace(FakeSide& side);  // the resume grace timer of a side fires

    FakeSide& other(FakeSide& side) { return &side == &a ? b : a; }
    TransferView view_of(FakeSide& side, const std::string& id);  // throws if absent

private:
    void take(FakeSide& from, Transfers::Out& out);
    void answer_read(FakeSide& side, const ReadFileChunk& read);
    void store(FakeSide& side, const std::string& key);
    std::deque<std::function<void()>> tasks_;
    int next_pick_ = 1;
    int pc_ = 1;
};

// Random but reproducible file contents.
std::string random_bytes(std::size_t size, unsigned seed);

}  // namespace peerline::transfer::test
