// The relay benchmark's clients (relay.cpp): a Client is one WebSocket peer of a pair, a Worker
// one io_context thread with its clients, pacer and counters. What relay.cpp's header comment
// says about the hot path holds here: no allocation per message.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "histogram.hpp"
#include "modes.hpp"
#include "raw_ws_client.hpp"

namespace peerline::load::relay {

struct Worker;

struct Client final : RawWsClient::Listener {
    Client(Worker& worker, std::uint32_t seed);

    Worker& worker;
    RawWsClient ws;
    std::string message;       // the next signal, rebuilt in place
    std::string prefix;        // {"type":"signal","to":"<partner>","data":{"kind":"candidate","ts":
    std::string suffix;        // ,"candidate":"..."}}
    std::string id;
    Client* partner = nullptr;
    net::ip::address_v4 source;
    int in_flight = 0;         // queued, not yet received by the partner
    bool ready = false;
    bool second = false;       // the pair's second client: with --port2, on the other instance
    std::uint64_t seq = 0;
    std::uint64_t last_seq_received = 0;  // from the partner: must only grow

    void start();
    void fill_window();
    void send_signal();
    void on_signal(std::string_view frame, std::size_t ts_at);

    void on_connect_failed(const char* stage, const std::string& detail) override;
    void on_open() override;
    void on_text(std::string_view frame) override;
    void on_sent(std::size_t text_messages) override;
    void on_protocol_error(const char* what) override;
    void on_closed() override;
};

struct Worker {
    explicit Worker(const RelayConfig& config) : config(config), pacer(ioc) {}

    const RelayConfig& config;
    net::io_context ioc{1};
    net::steady_timer pacer;
    WriteBatch batch;  // clients with frames queued: written at the end of each handler
    std::vector<std::unique_ptr<Client>> clients;
    std::vector<Client*> senders;
    std::size_t next_connect = 0;
    std::size_t rr = 0;
    std::atomic<int>* ready_count = nullptr;

    // Shared timeline, fixed before `start` is posted.
    std::uint64_t t_start = 0, t_window = 0, t_end = 0;
    bool sending = false;
    bool closing = false;
    double thread_rate = 0;  // msg/s this thread issues in paced mode
    std::uint64_t issued = 0;

    // Results, read by main after the thread has finished.
    Histogram latency;
    std::uint64_t sent = 0, received = 0, received_in_window = 0, errors = 0, lost = 0,
                  skipped = 0, wrong_sender = 0, reordered = 0, connect_failures = 0;
    std::string first_error;
    std::atomic<std::uint64_t> last_frame_ns{0};  // presence still arriving? (read by main)

    void connect_more() {
        while (next_connect < clients.size() &&
               next_connect < static_cast<std::size_t>(ready_count_local + config.connect_concurrency)) {
            clients[next_connect++]->start();
        }
    }
    int ready_count_local = 0;

    void on_ready() {
        ++ready_count_local;
        ready_count->fetch_add(1);
        connect_more();
    }

    void record_error(std::string_view what) {
        if (errors++ == 0) first_error = std::string(what.substr(0, 200));
    }

    void begin() {
        sending = true;
        if (config.rate > 0) {
            pacer.expires_at(net::steady_timer::clock_type::now());
            tick();
        } else {
            for (Client* c : senders) c->fill_window();
            batch.flush();
        }
    }

    // Every due message is queued at once and counts as in flight from then (it waits at most
    // in its client's batch); a sender `max_in_flight` behind skips its turn instead, so that
    // nothing queues without bound.
    void tick() {
        const std::uint64_t now = now_ns();
        if (!sending) return;
        if (now >= t_end) {
            sending = false;
            return;
        }
        const double elapsed = static_cast<double>(now - t_start) * 1e-9;
        const auto due = static_cast<std::uint64_t>(elapsed * thread_rate);
        while (issued < due && !senders.empty()) {
            ++issued;
            Client* c = senders[rr++ % senders.size()];
            if (c->in_flight >= config.max_in_flight) {
                ++skipped;
                continue;
            }
            c->send_signal();
            // Written now, not after the whole tick: its stamp must not include the writes of
            // the other senders this tick issues.
            batch.flush();
        }
        pacer.expires_at(pacer.expiry() + std::chrono::milliseconds(1));
        pacer.async_wait([this](beast::error_code ec) {
            if (!ec) tick();
        });
    }

    void stop_sending() {
        sending = false;
        pacer.cancel();
    }

    void close_all() {
        closing = true;
        for (auto& c : clients) {
            if (c->ready) c->ws.close(ws::close_code::normal);
        }
        batch.flush();
    }
};

}  // namespace peerline::load::relay
