#include <algorithm>
#include <charconv>
#include <cstdio>

#include "worker.hpp"

namespace peerline::soak {
namespace {

constexpr auto kTick = std::chrono::milliseconds(2);
constexpr std::uint64_t kRetireAfterNs = 10'000'000'000;  // handlers of a closed socket are long done

}  // namespace

std::string_view field_string(std::string_view frame, std::string_view key) {
    std::string pattern = "\"";
    pattern += key;
    pattern += "\":\"";
    const auto at = frame.find(pattern);
    if (at == std::string_view::npos) return {};
    const auto begin = at + pattern.size();
    const auto end = frame.find('"', begin);
    return end == std::string_view::npos ? std::string_view{} : frame.substr(begin, end - begin);
}

std::uint64_t field_number(std::string_view frame, std::string_view key) {
    std::string pattern = "\"";
    pattern += key;
    pattern += "\":";
    const auto at = frame.find(pattern);
    if (at == std::string_view::npos) return 0;
    std::uint64_t v = 0;
    std::from_chars(frame.data() + at + pattern.size(), frame.data() + frame.size(), v);
    return v;
}

void IntervalStats::merge(const IntervalStats& o) {
    latency.merge(o.latency);
    signals += o.signals;
    binaries += o.binaries;
    binary_bytes += o.binary_bytes;
    presence += o.presence;
    reconnects += o.reconnects;
    errors += o.errors;
}

void Totals::merge(const Totals& o) {
    signals_sent += o.signals_sent;
    signals_received += o.signals_received;
    binaries_sent += o.binaries_sent;
    binaries_received += o.binaries_received;
    lost += o.lost;
    misaddressed += o.misaddressed;
    out_of_order += o.out_of_order;
    corrupt += o.corrupt;
    unexpected_errors += o.unexpected_errors;
    provoked += o.provoked;
    provoked_answered += o.provoked_answered;
    reconnects += o.reconnects;
    resume_failed += o.resume_failed;
    dropped += o.dropped;
    connect_failures += o.connect_failures;
    drain_timeouts += o.drain_timeouts;
    skipped += o.skipped;
    if (first_error.empty()) first_error = o.first_error;
}

Worker::Worker(const SoakConfig& config, int) : config(config), ticker(ioc) {
    candidate = "candidate:842163049 1 udp 1677729535 192.168.1.2 54321 typ srflx";
    while (static_cast<int>(candidate.size()) < config.signal_bytes) candidate += " x";
    candidate.resize(static_cast<std::size_t>(config.signal_bytes));
    payload.resize(static_cast<std::size_t>(config.binary_bytes) + 256);
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i & 0xff);
}

void Worker::connect_more() {
    const auto limit = static_cast<std::size_t>(welcomed_first + config.connect_concurrency);
    while (next_connect < peers.size() && next_connect < limit) peers[next_connect++]->connect();
}

void Worker::on_first_welcome() {
    ++welcomed_first;
    ++welcomed;
    connect_more();
}

void Worker::record_unexpected(std::string_view what) {
    if (totals.unexpected_errors++ == 0) totals.first_error = std::string(what.substr(0, 300));
    if (totals.unexpected_errors <= 5) {
        std::fprintf(stderr, "soak: unexpected: %.*s\n", static_cast<int>(std::min<std::size_t>(what.size(), 300)),
                     what.data());
    }
}

void Worker::retire(std::unique_ptr<RawWsClient> ws) {
    retired.emplace_back(load::now_ns(), std::move(ws));
}

void Worker::begin(std::uint64_t start_ns) {
    t_start = start_ns;
    running = true;
    ticker.expires_after(kTick);
    ticker.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) tick();
    });
}

// Issues what is due of each kind by now, round robin over the peers, at rates proportional to
// this worker's share of all peers.
template <class Action>
void Worker::issue(std::uint64_t due, std::uint64_t& issued, std::size_t& rr, Action action) {
    while (issued < due) {
        ++issued;
        bool done = false;
        // A peer that is churning, or whose partner is, is skipped for the next one.
        for (std::size_t tries = 0; tries < 16 && !done; ++tries) done = action(*peers[rr++ % peers.size()]);
        if (!done) ++totals.skipped;
    }
}

void Worker::tick() {
    const std::uint64_t now = load::now_ns();
    while (!retired.empty() && now - retired.front().first > kRetireAfterNs) retired.pop_front();
    if (!running) return;
    const double elapsed = now > t_start ? static_cast<double>(now - t_start) * 1e-9 : 0;
    const double n = static_cast<double>(peers.size());
    issue(static_cast<std::uint64_t>(elapsed * config.signal_rate * share), signals_issued, signal_rr,
          [](Peer& p) {
              if (!p.talking() || !p.partner->talking()) return false;
              p.send_signal();
              return true;
          });
    issue(static_cast<std::uint64_t>(elapsed * config.binary_rate * share), binaries_issued, binary_rr,
          [](Peer& p) {
              if (!p.talking() || !p.partner->talking()) return false;
              p.send_binary();
              return true;
          });
    issue(static_cast<std::uint64_t>(elapsed * config.provoke_rate * share), provoked_issued, provoke_rr,
          [this](Peer& p) {
              if (!p.talking()) return false;
              p.provoke(static_cast<Provoked>(provoked_issued % static_cast<int>(Provoked::count)));
              return true;
          });
    issue(static_cast<std::uint64_t>(elapsed * config.churn_per_minute / 60 * n), churns_issued, churn_rr,
          [](Peer& p) {
              if (!p.talking()) return false;
              p.begin_churn();
              return true;
          });
    batch.flush();
    ticker.expires_at(ticker.expiry() + kTick);
    ticker.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) tick();
    });
}

void Worker::stop_traffic() {
    running = false;
}

void Worker::close_all() {
    closing = true;
    ticker.cancel();
    for (auto& p : peers) {
        p->timer.cancel();
        if (p->ws) p->ws->close(peerline::ws::close_code::normal);
    }
    batch.flush();
}

}  // namespace peerline::soak
