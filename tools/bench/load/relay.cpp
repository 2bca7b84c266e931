// Relay mode: clients in pairs on a shared source address (one network room per pair or group
// of pairs); both members of a pair send `signal` to each other. Each message carries its send
// time (steady_clock ns) in `data.ts`; the receiver turns it into relay latency. All clients of a
// pair live on the same io_context thread, so the sender's in-flight count is a plain integer.
//
// Paced mode: a 1 ms ticker per thread issues the thread's share of the target rate, round
// robin over its senders. Unpaced mode: every sender keeps `window` messages in flight (closed
// loop), which finds the server's maximum without unbounded queues anywhere.
//
// Clients are RawWsClient (raw TCP, our own frames), not Beast streams: one read handles every
// frame it brought in, and the messages that frees up for the partner go out in one write at
// the end of the handler, so this process stays well below the server it measures.
//
// Hot path: one message string per client rebuilt in place, frames appended to the client's
// reused output buffers, substring scans instead of a JSON parser; no allocation per message.
#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdio>
#include <future>
#include <memory>
#include <random>
#include <thread>
#include <unistd.h>

#include "histogram.hpp"
#include "modes.hpp"
#include "raw_ws_client.hpp"
#include "relay_clients.hpp"

namespace peerline::load {
namespace {

using relay::Client;
using relay::Worker;

double wait_until_quiet(long pid, double limit_s) {
    const std::uint64_t begin = now_ns();
    double before = process_cpu_seconds(pid);
    while (static_cast<double>(now_ns() - begin) * 1e-9 < limit_s) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        const double after = process_cpu_seconds(pid);
        if (after < 0 || after - before < 0.0125) break;
        before = after;
    }
    return static_cast<double>(now_ns() - begin) * 1e-9;
}

void sleep_until_ns(std::uint64_t t) {
    const std::uint64_t now = now_ns();
    if (t > now) std::this_thread::sleep_for(std::chrono::nanoseconds(t - now));
}

}  // namespace

int run_relay(const RelayConfig& config) {
    const int pairs = config.clients / 2;
    const int threads = std::max(1, config.threads);
    std::vector<std::unique_ptr<Worker>> workers;
    std::atomic<int> ready{0};
    for (int t = 0; t < threads; ++t) {
        workers.push_back(std::make_unique<Worker>(config));
        workers.back()->ready_count = &ready;
    }

    // A fake trickled ICE candidate, the most common signaling message.
    std::string candidate = "candidate:842163049 1 udp 1677729535 192.168.1.2 54321 typ srflx";
    while (static_cast<int>(candidate.size()) < config.payload_bytes) candidate += " x";
    candidate.resize(static_cast<std::size_t>(std::max(config.payload_bytes, 1)));

    std::mt19937 seeds(std::random_device{}());  // handshake nonces and mask keys
    for (int p = 0; p < pairs; ++p) {
        Worker& w = *workers[static_cast<std::size_t>(p % threads)];
        const auto source = source_address(config.source_base,
                                           static_cast<std::size_t>(p / std::max(1, config.pairs_per_source)));
        auto a = std::make_unique<Client>(w, seeds());
        auto b = std::make_unique<Client>(w, seeds());
        a->partner = b.get();
        b->partner = a.get();
        b->second = true;
        a->id = "loadA" + std::to_string(p);  // PeerJS only: Peerline assigns ids itself
        b->id = "loadB" + std::to_string(p);
        for (Client* c : {a.get(), b.get()}) {
            c->source = source;
            c->suffix = ",\"candidate\":\"" + candidate + "\"}}";
            c->message.reserve(256 + candidate.size());
            w.senders.push_back(c);
        }
        w.clients.push_back(std::move(a));
        w.clients.push_back(std::move(b));
    }

    const bool measure = !config.server_pids.empty();
    auto server_cpu_now = [&config] {
        double sum = 0;
        for (long pid : config.server_pids) {
            const double s = process_cpu_seconds(pid);
            if (s < 0) return -1.0;
            sum += s;
        }
        return sum;
    };
    auto wait_servers_quiet = [&config](double limit_s) {
        for (long pid : config.server_pids) wait_until_quiet(pid, limit_s);
    };
    if (measure) wait_servers_quiet(30);
    const double setup_cpu0 = measure ? server_cpu_now() : -1;
    const std::uint64_t setup_begin = now_ns();
    std::vector<std::thread> pool;
    for (auto& w : workers) {
        net::post(w->ioc, [wp = w.get()] { wp->connect_more(); });
        pool.emplace_back([wp = w.get()] {
            auto guard = net::make_work_guard(wp->ioc);
            wp->ioc.run();
        });
    }

    const int total = pairs * 2;
    const std::uint64_t connect_deadline = now_ns() + 60'000'000'000ull;
    while (ready.load() < total && now_ns() < connect_deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (ready.load() < total) {
        std::fprintf(stderr, "peerline-load: only %d of %d clients were welcomed within 60 s\n",
                     ready.load(), total);
        for (auto& w : workers) w->ioc.stop();
        for (auto& t : pool) t.join();
        return 1;
    }
    const double welcomed_s = static_cast<double>(now_ns() - setup_begin) * 1e-9;
    // Everyone is welcomed: let the presence of all those joins reach everyone (in one big room
    // that is O(N^2) frames), then aim each client at its partner's id.
    // Quiet means: the server idle AND no client received anything for 300 ms (the server may
    // sit idle with presence frames queued while this process is still reading them).
    const std::uint64_t settle_begin = now_ns();
    for (;;) {
        if (measure) wait_servers_quiet(60);
        std::uint64_t last = 0;
        for (auto& w : workers) last = std::max(last, w->last_frame_ns.load(std::memory_order_relaxed));
        if (now_ns() - last > 300'000'000 || now_ns() - settle_begin > 90'000'000'000ull) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const double settle_s = static_cast<double>(now_ns() - settle_begin) * 1e-9;
    const double setup_cpu = measure ? server_cpu_now() - setup_cpu0 : -1;
    std::fprintf(stderr, "relay: %d clients welcomed in %.1f s, presence settled %.1f s later; "
                 "server CPU for the joins %.2f s\n", total, welcomed_s, settle_s, setup_cpu);
    const std::uint64_t t_start = now_ns() + 20'000'000;
    const std::uint64_t t_window = t_start + static_cast<std::uint64_t>(config.warmup_s * 1e9);
    const std::uint64_t t_end = t_window + static_cast<std::uint64_t>(config.duration_s * 1e9);
    for (auto& w : workers) {
        net::post(w->ioc, [wp = w.get(), t_start, t_window, t_end, total] {
            for (auto& c : wp->clients) {
                c->prefix = wp->config.peerjs
                                ? R"({"type":"CANDIDATE","dst":")" + c->partner->id +
                                      R"(","payload":{"kind":"candidate","call":"bench","ts":)"
                                : R"({"type":"signal","to":")" + c->partner->id +
                                      R"(","data":{"kind":"candidate","call":"bench","ts":)";
            }
            wp->t_start = t_start;
            wp->t_window = t_window;
            wp->t_end = t_end;
            wp->thread_rate = wp->config.rate * static_cast<double>(wp->senders.size()) / total;
        });
    }
    sleep_until_ns(t_start);
    for (auto& w : workers) net::post(w->ioc, [wp = w.get()] { wp->begin(); });

    sleep_until_ns(t_window);
    const double server_cpu0 = measure ? server_cpu_now() : -1;
    const double self_cpu0 = process_cpu_seconds(static_cast<long>(getpid()));
    sleep_until_ns(t_end);
    const double server_cpu1 = measure ? server_cpu_now() : -1;
    const double self_cpu1 = process_cpu_seconds(static_cast<long>(getpid()));

    for (auto& w : workers) net::post(w->ioc, [wp = w.get()] { wp->stop_sending(); });
    // Messages in flight land, or are lost: wait until no sender has any (at most 5 s; a busy
    // machine may take longer than a fixed pause), and count what never arrived.
    const auto in_flight_now = [&workers] {
        std::uint64_t n = 0;
        for (auto& w : workers) {
            std::promise<std::uint64_t> sum;
            net::post(w->ioc, [wp = w.get(), &sum] {
                std::uint64_t k = 0;
                for (auto& c : wp->clients) k += static_cast<std::uint64_t>(std::max(c->in_flight, 0));
                sum.set_value(k);
            });
            n += sum.get_future().get();
        }
        return n;
    };
    std::uint64_t undelivered = in_flight_now();
    for (int i = 0; i < 50 && undelivered > 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        undelivered = in_flight_now();
    }
    for (auto& w : workers) net::post(w->ioc, [wp = w.get()] { wp->close_all(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    for (auto& w : workers) w->ioc.stop();
    for (auto& t : pool) t.join();

    Histogram latency;
    std::uint64_t sent = 0, received = 0, in_window = 0, errors = 0, lost = 0, skipped = 0,
                  wrong = 0, reordered = 0;
    std::string first_error;
    for (auto& w : workers) {
        latency.merge(w->latency);
        sent += w->sent;
        received += w->received;
        in_window += w->received_in_window;
        errors += w->errors;
        lost += w->lost;
        skipped += w->skipped;
        wrong += w->wrong_sender;
        reordered += w->reordered;
        if (first_error.empty()) first_error = w->first_error;
    }
    const double rate = static_cast<double>(in_window) / config.duration_s;
    const double server_cpu = server_cpu0 >= 0 && server_cpu1 >= 0 ? server_cpu1 - server_cpu0 : -1;
    const double us = 1e-3;
    std::fprintf(stderr,
                 "relay: %.0f msg/s relayed (%s), p50 %.1f us, p90 %.1f us, p99 %.1f us, "
                 "max %.1f us; sent %llu received %llu errors %llu lost %llu skipped %llu "
                 "undelivered %llu misaddressed %llu\n",
                 rate, config.rate > 0 ? "paced" : "unpaced",
                 static_cast<double>(latency.quantile(0.5)) * us,
                 static_cast<double>(latency.quantile(0.9)) * us,
                 static_cast<double>(latency.quantile(0.99)) * us,
                 static_cast<double>(latency.max()) * us, static_cast<unsigned long long>(sent),
                 static_cast<unsigned long long>(received), static_cast<unsigned long long>(errors),
                 static_cast<unsigned long long>(lost), static_cast<unsigned long long>(skipped),
                 static_cast<unsigned long long>(undelivered), static_cast<unsigned long long>(wrong));
    if (!first_error.empty()) std::fprintf(stderr, "relay: first error: %s\n", first_error.c_str());
    std::printf(
        "RESULT mode=relay clients=%d target_rate=%.0f duration_s=%.1f msgs_per_s=%.0f "
        "relayed=%llu p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f "
        "errors=%llu lost=%llu skipped=%llu wrong_sender=%llu undelivered=%llu server_cpu_s=%.2f "
        "server_cpu_ms_per_10k=%.1f load_cpu_pct=%.0f join_s=%.1f join_server_cpu_s=%.2f reordered=%llu "
        "sent=%llu received=%llu\n",
        total, config.rate, config.duration_s, rate, static_cast<unsigned long long>(in_window),
        static_cast<double>(latency.quantile(0.5)) * us,
        static_cast<double>(latency.quantile(0.9)) * us,
        static_cast<double>(latency.quantile(0.99)) * us,
        static_cast<double>(latency.quantile(0.999)) * us, static_cast<double>(latency.max()) * us,
        static_cast<unsigned long long>(errors), static_cast<unsigned long long>(lost),
        static_cast<unsigned long long>(skipped), static_cast<unsigned long long>(wrong),
        static_cast<unsigned long long>(undelivered), server_cpu, in_window > 0 && server_cpu >= 0 ? server_cpu * 1e3 * 1e4 / static_cast<double>(in_window) : -1,
        100.0 * (self_cpu1 - self_cpu0) / config.duration_s, welcomed_s + settle_s, setup_cpu,
        static_cast<unsigned long long>(reordered), static_cast<unsigned long long>(sent),
        static_cast<unsigned long long>(received));
    std::fflush(stdout);
    // Errors, dropped connections (`lost`), messages from the wrong sender and messages that
    // never arrived all make the run worthless as a figure: exit 3, and run.sh fails.
    return errors == 0 && lost == 0 && wrong == 0 && undelivered == 0 && reordered == 0 ? 0 : 3;
}

}  // namespace peerline::load
