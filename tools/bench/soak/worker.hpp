// One io_context thread of peerline-soak and the peers it runs.
//
// A Peer is one logical client that outlives its connections: when it churns it closes its
// WebSocket and opens a new one that says hello with its resume token, and must get its id
// back. Peers talk in fixed pairs inside one network room (one 127.x source address), both
// members on the same thread, so "what did my partner send me" is a plain integer: every
// signal and binary frame carries a per-pair sequence number, a gap is a lost message, and
// whatever the partner sent beyond the last one received at the end is lost too.
//
// A peer about to churn first stops being a target and waits until everything sent to it has
// arrived, so that churn itself provokes no error; the errors the soak does provoke (unknown
// peer, bad JSON) are counted as expected on the peer that provoked them.
#pragma once

#include <array>
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config.hpp"
#include "histogram.hpp"
#include "raw_ws_client.hpp"

namespace peerline::soak {

using load::Histogram;
using load::RawWsClient;
using load::WriteBatch;
using tcp = load::tcp;

struct Worker;

// The errors a peer provokes on purpose, and so expects back.
enum class Provoked { unknown_peer_signal, unknown_peer_binary, bad_json, count };

struct Peer final : RawWsClient::Listener {
    enum class State { connecting, ready, leaving, closing, away };

    Peer(Worker& worker, int index, net::ip::address_v4 source);

    Worker& worker;
    const int index;
    const net::ip::address_v4 source;
    Peer* partner = nullptr;
    std::unique_ptr<RawWsClient> ws;
    State state = State::connecting;
    std::string id, resume;
    bool welcomed_once = false;
    net::steady_timer timer;
    std::uint64_t churn_began_ns = 0;

    // Sent to the partner / next expected from the partner, per kind.
    std::uint64_t signals_sent = 0, binaries_sent = 0;
    std::uint64_t next_signal = 1, next_binary = 1;
    std::array<int, static_cast<int>(Provoked::count)> expected_errors{};

    bool talking() const { return state == State::ready; }
    bool drained() const;

    void connect();
    void send_signal();
    void send_binary();
    void provoke(Provoked kind);
    void begin_churn();

    void on_connect_failed(const char* stage, const std::string& detail) override;
    void on_open() override;
    void on_text(std::string_view frame) override;
    void on_binary(std::string_view message) override;
    void on_sent(std::size_t) override {}
    void on_protocol_error(const char* what) override;
    void on_closed() override;

private:
    void on_welcome(std::string_view frame);
    void on_signal(std::string_view frame);
    void on_error(std::string_view frame);
    void wait_for_drain();
    void retire_connection();
};

// What the main thread collects from each worker once per interval.
struct IntervalStats {
    Histogram latency;               // signal relay latency, ns
    std::uint64_t signals = 0, binaries = 0, binary_bytes = 0, presence = 0;
    std::uint64_t reconnects = 0, errors = 0;
    void merge(const IntervalStats& o);
};

// Totals over the run, read by main after the workers have stopped.
struct Totals {
    std::uint64_t signals_sent = 0, signals_received = 0, binaries_sent = 0,
                  binaries_received = 0, lost = 0, misaddressed = 0, out_of_order = 0,
                  corrupt = 0, unexpected_errors = 0, provoked = 0, provoked_answered = 0,
                  reconnects = 0, resume_failed = 0, dropped = 0, connect_failures = 0,
                  drain_timeouts = 0, skipped = 0;
    std::string first_error;
    void merge(const Totals& o);
};

struct Worker {
    Worker(const SoakConfig& config, int index);

    const SoakConfig& config;
    net::io_context ioc{1};
    WriteBatch batch;
    net::steady_timer ticker;
    std::vector<std::unique_ptr<Peer>> peers;
    std::string candidate;   // the fake ICE candidate every signal carries
    std::string payload;     // binary payload template, bytes 0..255 repeating
    std::string scratch;     // the message being built (one thread: one at a time)

    // Connecting.
    std::size_t next_connect = 0;
    int welcomed_first = 0;
    std::atomic<int> welcomed{0};  // peers welcomed at least once (read by main)
    std::atomic<int> ready{0};     // peers talking now (read by main)

    // The shared timeline: traffic runs from t_start until the main thread says stop.
    std::uint64_t t_start = 0;
    bool running = false;
    bool closing = false;
    std::uint64_t signals_issued = 0, binaries_issued = 0, churns_issued = 0, provoked_issued = 0;
    std::size_t signal_rr = 0, binary_rr = 0, churn_rr = 0, provoke_rr = 0;
    double share = 0;  // this worker's fraction of all peers

    // Connections that ended, kept until their handlers have surely run.
    std::deque<std::pair<std::uint64_t, std::unique_ptr<RawWsClient>>> retired;

    Totals totals;
    std::mutex interval_mutex;
    IntervalStats interval;

    void connect_more();
    void on_first_welcome();
    void begin(std::uint64_t start_ns);
    void stop_traffic();
    void close_all();
    void record_unexpected(std::string_view what);
    void retire(std::unique_ptr<RawWsClient> ws);

private:
    void tick();
    template <class Action>
    void issue(std::uint64_t due, std::uint64_t& issued, std::size_t& rr, Action action);
};

// `{"type":"error","code":"X",...}` -> X (empty if absent).
std::string_view field_string(std::string_view frame, std::string_view key);
// The unsigned number after `"key":`, or 0.
std::uint64_t field_number(std::string_view frame, std::string_view key);

}  // namespace peerline::soak
