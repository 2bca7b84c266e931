#include "sampler.hpp"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "common.hpp"

namespace peerline::soak {
namespace {

long count_fds(long pid) {
    DIR* dir = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
    if (!dir) return -1;
    long n = 0;
    while (const dirent* e = readdir(dir)) {
        if (e->d_name[0] != '.') ++n;
    }
    closedir(dir);
    return n;
}

long rss_kib(long pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return -1;
}

double ratio(double a, double b) { return a >= 0 && b > 0 ? a / b : -1; }

double measure_of(const Row& r, const std::string& measure) {
    if (measure == "rss") return static_cast<double>(r.rss_kib);
    if (measure == "fds") return static_cast<double>(r.fds);
    if (measure == "cpu") return r.cpu_us_per_msg;
    if (measure == "cpu_rel") return ratio(r.cpu_us_per_msg, r.ref_cpu_us_per_msg);
    if (measure == "p99_rel") return ratio(r.p99_us, r.ref_p99_us);
    return r.p99_us;
}

}  // namespace

ServerReading read_server(long pid) {
    ServerReading r;
    if (pid <= 0) return r;
    r.rss_kib = rss_kib(pid);
    r.fds = count_fds(pid);
    r.cpu_s = cpu_seconds(pid);
    return r;
}

double cpu_seconds(long pid) {
    // Per thread: /proc/PID/schedstat is the main thread's alone.
    const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
    DIR* dir = opendir(tasks.c_str());
    if (!dir) return -1;
    double ns = 0;
    bool read_all = true;
    while (const dirent* e = readdir(dir)) {
        if (e->d_name[0] == '.') continue;
        std::ifstream in(tasks + "/" + e->d_name + "/schedstat");
        double thread_ns = -1;
        if (in >> thread_ns && thread_ns >= 0) ns += thread_ns;
        else read_all = false;
    }
    closedir(dir);
    return read_all ? ns * 1e-9 : load::process_cpu_seconds(pid);
}

std::vector<Drift> drifts(const std::vector<Row>& rows, double warmup_s,
                          const std::vector<std::string>& checked, double max_pct) {
    std::vector<Row> after;
    for (const Row& r : rows) {
        if (r.t_s > warmup_s + 1e-6) after.push_back(r);
    }
    std::vector<Drift> out;
    for (const std::string measure : {"rss", "fds", "cpu", "p99", "cpu_rel", "p99_rel"}) {
        Drift d;
        d.measure = measure;
        d.rows = static_cast<int>(after.size());
        d.checked = std::find(checked.begin(), checked.end(), measure) != checked.end();
        const std::size_t k = std::max<std::size_t>(1, after.size() / 3);
        bool readable = after.size() >= 2;
        if (readable) {
            for (std::size_t i = 0; i < k; ++i) {
                const double a = measure_of(after[i], measure), b = measure_of(after[after.size() - k + i], measure);
                readable = readable && a >= 0 && b >= 0;
                d.first += a / static_cast<double>(k);
                d.last += b / static_cast<double>(k);
            }
            d.pct = d.first > 0 ? 100 * (d.last - d.first) / d.first : 0;
        }
        // Fewer than two rows after warm-up, or a reading missing: nothing to compare, which a
        // check must not pass.
        d.ok = !d.checked || (readable && d.first > 0 && std::fabs(d.pct) <= max_pct);
        out.push_back(d);
    }
    return out;
}

std::string row_line(const Row& r) {
    char line[512];
    std::snprintf(line, sizeof line,
                  "ROW t_s=%.0f connected=%d rss_kib=%ld fds=%ld cpu_s=%.3f messages=%llu "
                  "cpu_us_per_msg=%.1f p50_us=%.0f p99_us=%.0f reconnects=%llu presence=%llu "
                  "errors=%llu binary_mib=%.1f ref_p50_us=%.0f ref_p99_us=%.0f ref_cpu_us_per_msg=%.2f",
                  r.t_s, r.connected, r.rss_kib, r.fds, r.cpu_s, r.messages, r.cpu_us_per_msg,
                  r.p50_us, r.p99_us, r.reconnects, r.presence, r.errors, r.binary_mib, r.ref_p50_us,
                  r.ref_p99_us, r.ref_cpu_us_per_msg);
    return line;
}

std::string table(const std::vector<Row>& rows, double warmup_s) {
    std::ostringstream out;
    out << "| t (s) | peers connected | server RSS (MiB) | server fds | server CPU (s) | messages | "
           "CPU per message (µs) | p50 / p99 latency (µs) | reconnects (resumed) | presence frames | "
           "unexpected errors | reference relay: CPU per message (µs), p50 / p99 (µs) |\n"
        << "|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    char line[512];
    for (const Row& r : rows) {
        std::snprintf(line, sizeof line,
                      "| %.0f%s | %d | %.1f | %ld | %.2f | %llu | %.1f | %.0f / %.0f | %llu | %llu | %llu | %.2f, %.0f / %.0f |\n",
                      r.t_s, r.t_s <= warmup_s + 1e-6 ? " (warm-up)" : "", r.connected,
                      static_cast<double>(r.rss_kib) / 1024, r.fds, r.cpu_s, r.messages,
                      r.cpu_us_per_msg, r.p50_us, r.p99_us, r.reconnects, r.presence, r.errors,
                      r.ref_cpu_us_per_msg, r.ref_p50_us, r.ref_p99_us);
        out << line;
    }
    return out.str();
}

}  // namespace peerline::soak
