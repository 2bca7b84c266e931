// peerline-soak: many peers talking and churning against one peerline-server for a long time,
// sampling the server each interval. Loopback only, bounded in peers and time. See --help.
#include <cstdio>
#include <cstring>
#include <sstream>
#include <thread>

#include "reference_relay.hpp"
#include "sampler.hpp"
#include "worker.hpp"

namespace {

using namespace peerline::soak;
namespace load = peerline::load;

const char* kUsage =
    "Usage: peerline-soak [options]\n"
    "\n"
    "Peers in fixed pairs, --per-source peers per 127.x source address (one network room each),\n"
    "send signals and binary voice-message frames to their partners; a fraction reconnects\n"
    "every minute and resumes its id; a few errors are provoked on purpose. Every message is\n"
    "checked (sender, addressee, order, payload); each --interval one row of server RSS, open\n"
    "fds, CPU per message and p99 latency. Exits 0 only with no unexpected error, nothing lost\n"
    "or misaddressed, and every checked drift within --max-drift.\n"
    "\n"
    "    --peers N            even, <= 18000 (one process holds < 20000 descriptors) (default 1000)\n"
    "    --per-source K       peers per source address, even, <= 64 (default 8)\n"
    "    --source-base ADDR   first source address (default 127.40.0.1)\n"
    "    --duration S         seconds of traffic, <= 2400 (default 60)\n"
    "    --interval S         seconds per sample row (default 60)\n"
    "    --warmup S           rows ending by then are left out of the drift (default 300)\n"
    "    --signal-rate R      signals/s over all peers (default 1000)\n"
    "    --binary-rate R      binary frames/s over all peers (default 50)\n"
    "    --binary-bytes B     payload bytes per binary frame, <= 200000 (default 16384)\n"
    "    --churn F            fraction of the peers reconnecting per minute (default 0.1)\n"
    "    --provoke R          errors/s provoked on purpose (default 1)\n"
    "    --threads T          io_context threads, <= 8 (default 2)\n"
    "    --server-pid PID     the server to sample (without it: no RSS, fds or CPU)\n"
    "    --max-drift P        bound in percent on each checked drift (default 5)\n"
    "    --check LIST         drifts the verdict checks, of rss,fds,cpu,p99,cpu_rel,p99_rel\n"
    "                         (default rss,fds); *_rel: over the reference relay's, same interval\n"
    "    --reference-rate R   messages/s through the reference relay, a child process that\n"
    "                         times the machine beside the server (default: --signal-rate; 0: off)\n"
    "    --host ADDR --port N the server, loopback only (default 127.0.0.1:8080)\n"
    "\n"
    "stdout: one `ROW ...` line per interval, then a markdown table, the drifts and a\n"
    "`RESULT key=value ...` line. Progress on stderr.\n";

[[noreturn]] void usage_error(const std::string& message) {
    std::fprintf(stderr, "peerline-soak: %s\nTry 'peerline-soak --help'.\n", message.c_str());
    std::exit(2);
}

SoakConfig parse(const load::Args& args) {
    const auto unknown = args.unknown({"peers", "per-source", "source-base", "duration", "interval",
                                       "warmup", "signal-rate", "binary-rate", "binary-bytes", "churn",
                                       "provoke", "threads", "server-pid", "max-drift", "check", "reference-rate",
                                       "host", "port"});
    if (!unknown.empty()) usage_error("unknown option '" + unknown.front() + "'");
    SoakConfig c;
    c.host = args.str("host", c.host);
    boost::system::error_code ec;
    const auto host = net::ip::make_address(c.host, ec);
    if (ec || !host.is_loopback()) usage_error("--host must be a loopback address");
    const double port = args.num("port", 8080);
    if (port < 1 || port > 65535) usage_error("--port out of range");
    c.port = static_cast<unsigned short>(port);
    c.source_base = net::ip::make_address_v4(args.str("source-base", "127.40.0.1"), ec);
    if (ec || !c.source_base.is_loopback()) usage_error("--source-base must be an IPv4 loopback address");
    c.peers = static_cast<int>(args.num("peers", c.peers));
    c.per_source = static_cast<int>(args.num("per-source", c.per_source));
    c.duration_s = args.num("duration", c.duration_s);
    c.interval_s = args.num("interval", c.interval_s);
    c.warmup_s = args.num("warmup", c.warmup_s);
    c.signal_rate = args.num("signal-rate", c.signal_rate);
    c.binary_rate = args.num("binary-rate", c.binary_rate);
    c.binary_bytes = static_cast<int>(args.num("binary-bytes", c.binary_bytes));
    c.churn_per_minute = args.num("churn", c.churn_per_minute);
    c.provoke_rate = args.num("provoke", c.provoke_rate);
    c.threads = static_cast<int>(args.num("threads", c.threads));
    c.server_pid = static_cast<long>(args.num("server-pid", 0));
    c.max_drift_pct = args.num("max-drift", c.max_drift_pct);
    if (args.has("check")) {
        c.drift_checked.clear();
        std::istringstream list(args.str("check", ""));
        for (std::string m; std::getline(list, m, ',');) {
            if (m != "rss" && m != "fds" && m != "cpu" && m != "p99" && m != "cpu_rel" && m != "p99_rel") {
                usage_error("--check: rss,fds,cpu,p99,cpu_rel,p99_rel");
            }
            c.drift_checked.push_back(m);
        }
    }
    if (c.peers < 2 || c.peers % 2 || c.peers > 18000) usage_error("--peers: even, 2..18000");
    if (c.per_source < 2 || c.per_source % 2 || c.per_source > 64) usage_error("--per-source: even, 2..64");
    if (c.duration_s <= 0 || c.duration_s > 2400) usage_error("--duration: (0, 2400]");
    if (c.interval_s < 1 || c.interval_s > c.duration_s) usage_error("--interval: [1, duration]");
    if (c.warmup_s < 0 || c.warmup_s >= c.duration_s) usage_error("--warmup: [0, duration)");
    if (c.signal_rate < 0 || c.signal_rate > 100000) usage_error("--signal-rate: 0..100000");
    if (c.binary_rate < 0 || c.binary_rate > 10000) usage_error("--binary-rate: 0..10000");
    if (c.binary_bytes < 1 || c.binary_bytes > 200000) usage_error("--binary-bytes: 1..200000");
    if (c.churn_per_minute < 0 || c.churn_per_minute > 1) usage_error("--churn: 0..1");
    if (c.provoke_rate < 0 || c.provoke_rate > 100) usage_error("--provoke: 0..100");
    if (c.threads < 1 || c.threads > 8) usage_error("--threads: 1..8");
    if (c.max_drift_pct <= 0) usage_error("--max-drift: > 0");
    c.reference_rate = args.num("reference-rate", c.signal_rate);
    if (c.reference_rate < 0 || c.reference_rate > 100000) usage_error("--reference-rate: 0..100000");
    for (const std::string& m : c.drift_checked) {
        if (m.find("_rel") != std::string::npos && c.reference_rate <= 0) {
            usage_error("--check " + m + " needs the reference relay (--reference-rate > 0)");
        }
    }
    return c;
}

void sleep_until_ns(std::uint64_t t) {
    const std::uint64_t now = load::now_ns();
    if (t > now) std::this_thread::sleep_for(std::chrono::nanoseconds(t - now));
}

int total_of(std::vector<std::unique_ptr<Worker>>& workers, std::atomic<int> Worker::*counter) {
    int n = 0;
    for (auto& w : workers) n += ((*w).*counter).load();
    return n;
}

}  // namespace

int main(int argc, char** argv) {
    const load::Args args(argc, argv, 1);
    if (args.has("help") || args.has("?-h")) {
        std::fputs(kUsage, stdout);
        return 0;
    }
    const SoakConfig config = parse(args);
    // Forked before any thread exists (reference_relay.hpp).
    std::unique_ptr<ReferenceRelay> reference;
    if (config.reference_rate > 0) {
        reference = std::make_unique<ReferenceRelay>(config.reference_rate);
        if (!reference->ok()) {
            std::fprintf(stderr, "peerline-soak: the reference relay did not start\n");
            return 1;
        }
    }

    // Peers 2k and 2k+1 are partners; each source address (room) holds per_source of them and
    // lives on one worker thread.
    std::vector<std::unique_ptr<Worker>> workers;
    for (int t = 0; t < config.threads; ++t) workers.push_back(std::make_unique<Worker>(config, t));
    for (int i = 0; i < config.peers; i += 2) {
        const int room = i / config.per_source;
        Worker& w = *workers[static_cast<std::size_t>(room % config.threads)];
        const auto source = load::source_address(config.source_base, static_cast<std::size_t>(room));
        auto a = std::make_unique<Peer>(w, i, source);
        auto b = std::make_unique<Peer>(w, i + 1, source);
        a->partner = b.get();
        b->partner = a.get();
        w.peers.push_back(std::move(a));
        w.peers.push_back(std::move(b));
    }
    for (auto& w : workers) w->share = static_cast<double>(w->peers.size()) / config.peers;

    std::vector<std::thread> pool;
    for (auto& w : workers) {
        net::post(w->ioc, [wp = w.get()] { wp->connect_more(); });
        pool.emplace_back([wp = w.get()] {
            auto guard = net::make_work_guard(wp->ioc);
            wp->ioc.run();
        });
    }
    const auto stop_all = [&] {
        for (auto& w : workers) w->ioc.stop();
        for (auto& t : pool) t.join();
    };

    const std::uint64_t connect_begin = load::now_ns();
    while (total_of(workers, &Worker::welcomed) < config.peers &&
           load::now_ns() - connect_begin < static_cast<std::uint64_t>(config.connect_timeout_s * 1e9)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (total_of(workers, &Worker::welcomed) < config.peers) {
        std::fprintf(stderr, "peerline-soak: only %d of %d peers were welcomed within %.0f s\n",
                     total_of(workers, &Worker::welcomed), config.peers, config.connect_timeout_s);
        stop_all();
        return 1;
    }
    std::fprintf(stderr, "soak: %d peers welcomed in %.1f s\n", config.peers,
                 static_cast<double>(load::now_ns() - connect_begin) * 1e-9);
    std::this_thread::sleep_for(std::chrono::seconds(1));  // the last presence frames

    const std::uint64_t t_start = load::now_ns() + 20'000'000;
    ServerReading before = read_server(config.server_pid);
    for (auto& w : workers) net::post(w->ioc, [wp = w.get(), t_start] { wp->begin(t_start); });
    if (reference) {
        reference->start();
        reference->take();  // from here on, intervals line up with the server's
    }

    std::vector<Row> rows;
    const int intervals = static_cast<int>(config.duration_s / config.interval_s + 0.5);
    for (int k = 1; k <= intervals; ++k) {
        sleep_until_ns(t_start + static_cast<std::uint64_t>(k * config.interval_s * 1e9));
        const ServerReading now = read_server(config.server_pid);
        IntervalStats stats;
        for (auto& w : workers) {
            std::lock_guard lock(w->interval_mutex);
            stats.merge(w->interval);
            w->interval = IntervalStats{};
        }
        Row r;
        r.t_s = k * config.interval_s;
        r.connected = total_of(workers, &Worker::ready);
        r.rss_kib = now.rss_kib;
        r.fds = now.fds;
        r.cpu_s = now.cpu_s >= 0 && before.cpu_s >= 0 ? now.cpu_s - before.cpu_s : -1;
        r.messages = stats.signals + stats.binaries;
        r.cpu_us_per_msg = r.messages > 0 && r.cpu_s >= 0 ? r.cpu_s * 1e6 / static_cast<double>(r.messages) : -1;
        r.p50_us = static_cast<double>(stats.latency.quantile(0.5)) / 1e3;
        r.p99_us = static_cast<double>(stats.latency.quantile(0.99)) / 1e3;
        r.reconnects = stats.reconnects;
        r.presence = stats.presence;
        r.errors = stats.errors;
        r.binary_mib = static_cast<double>(stats.binary_bytes) / (1024.0 * 1024.0);
        if (reference) {
            const ReferenceReading ref = reference->take();
            r.ref_p50_us = ref.p50_us;
            r.ref_p99_us = ref.p99_us;
            r.ref_cpu_us_per_msg = ref.cpu_us_per_msg;
        }
        before = now;
        rows.push_back(r);
        std::printf("%s\n", row_line(r).c_str());
        std::fflush(stdout);
        std::fprintf(stderr, "soak: %s\n", row_line(r).c_str() + 4);
    }

    // Let churns under way finish and messages on their way arrive, then count what is missing.
    for (auto& w : workers) net::post(w->ioc, [wp = w.get()] { wp->stop_traffic(); });
    const std::uint64_t settle_begin = load::now_ns();
    while (total_of(workers, &Worker::ready) < config.peers && load::now_ns() - settle_begin < 15'000'000'000ull) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::seconds(2));
    for (auto& w : workers) net::post(w->ioc, [wp = w.get()] { wp->close_all(); });
    std::this_thread::sleep_for(std::chrono::seconds(1));
    stop_all();
    reference.reset();

    Totals totals;
    std::uint64_t unanswered = 0, not_back = 0;
    for (auto& w : workers) {
        for (auto& p : w->peers) {
            if (p->partner->signals_sent + 1 > p->next_signal) w->totals.lost += p->partner->signals_sent + 1 - p->next_signal;
            if (p->partner->binaries_sent + 1 > p->next_binary) w->totals.lost += p->partner->binaries_sent + 1 - p->next_binary;
            for (int n : p->expected_errors) unanswered += static_cast<std::uint64_t>(n);
            if (p->state != Peer::State::ready) ++not_back;
        }
        totals.merge(w->totals);
    }
    const auto drift = drifts(rows, config.warmup_s, config.drift_checked, config.max_drift_pct);
    bool drift_ok = true;
    std::printf("\n%s\n", table(rows, config.warmup_s).c_str());
    std::printf("| Drift after warm-up (last third vs first third of %d rows) | first | last | drift | checked |\n"
                "|---|---|---|---|---|\n", drift.empty() ? 0 : drift.front().rows);
    for (const Drift& d : drift) {
        drift_ok = drift_ok && d.ok;
        const char* format = d.first >= 1000 ? "| %s | %.0f | %.0f | %+.1f %% | %s |\n" : "| %s | %.3f | %.3f | %+.1f %% | %s |\n";
        std::printf(format, d.measure.c_str(), d.first, d.last, d.pct,
                    !d.checked ? "reported" : d.ok ? "ok" : "FAILED");
    }
    const bool ok = drift_ok && totals.unexpected_errors == 0 && totals.lost == 0 && totals.misaddressed == 0 &&
                    totals.corrupt == 0 && totals.out_of_order == 0 && unanswered == 0 && not_back == 0;
    std::printf(
        "\nRESULT ok=%d peers=%d duration_s=%.0f signals_sent=%llu signals_received=%llu "
        "binaries_sent=%llu binaries_received=%llu lost=%llu misaddressed=%llu out_of_order=%llu "
        "corrupt=%llu unexpected_errors=%llu provoked=%llu provoked_answered=%llu unanswered=%llu "
        "reconnects=%llu resume_failed=%llu dropped=%llu connect_failures=%llu drain_timeouts=%llu "
        "skipped=%llu not_back=%llu",
        ok ? 1 : 0, config.peers, config.duration_s, (unsigned long long)totals.signals_sent,
        (unsigned long long)totals.signals_received, (unsigned long long)totals.binaries_sent,
        (unsigned long long)totals.binaries_received, (unsigned long long)totals.lost,
        (unsigned long long)totals.misaddressed, (unsigned long long)totals.out_of_order,
        (unsigned long long)totals.corrupt, (unsigned long long)totals.unexpected_errors,
        (unsigned long long)totals.provoked, (unsigned long long)totals.provoked_answered,
        (unsigned long long)unanswered, (unsigned long long)totals.reconnects,
        (unsigned long long)totals.resume_failed, (unsigned long long)totals.dropped,
        (unsigned long long)totals.connect_failures, (unsigned long long)totals.drain_timeouts,
        (unsigned long long)totals.skipped, (unsigned long long)not_back);
    for (const Drift& d : drift) std::printf(" %s_drift_pct=%.1f", d.measure.c_str(), d.pct);
    std::printf("\n");
    if (!totals.first_error.empty()) std::fprintf(stderr, "soak: first unexpected: %s\n", totals.first_error.c_str());
    std::fflush(stdout);
    return ok ? 0 : 3;
}
