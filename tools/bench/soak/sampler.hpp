// The soak's per-interval rows: the server's RSS, open descriptors and CPU read from /proc, and
// the traffic the peers saw in that interval; then the drift of each measure after warm-up.
#pragma once

#include <string>
#include <vector>

namespace peerline::soak {

struct ServerReading {
    long rss_kib = -1;
    long fds = -1;
    double cpu_s = -1;  // utime + stime since the process started
};

// -1 in a field that could not be read (no such process, or not ours).
ServerReading read_server(long pid);

// A process's time on a CPU in seconds, from /proc/PID/schedstat (nanoseconds, where /proc/PID/stat
// counts 10 ms ticks: too coarse for a relay that uses 0.2 s a minute); the ticks if it is missing.
double cpu_seconds(long pid);

struct Row {
    double t_s = 0;              // end of the interval, seconds after traffic began
    int connected = 0;           // peers welcomed and talking at the sample
    long rss_kib = -1, fds = -1;
    double cpu_s = -1;           // server CPU over the interval
    unsigned long long messages = 0;  // signals + binary frames delivered in the interval
    double cpu_us_per_msg = -1;
    double p50_us = 0, p99_us = 0;     // signal relay latency
    unsigned long long reconnects = 0, presence = 0, errors = 0;
    double binary_mib = 0;
    // The reference relay in the same interval (reference_relay.hpp): the machine's baseline.
    double ref_p50_us = 0, ref_p99_us = 0, ref_cpu_us_per_msg = -1;
};

struct Drift {
    std::string measure;  // rss, fds, cpu, p99, and cpu_rel, p99_rel: over the reference relay's
    double first = 0, last = 0, pct = 0;
    int rows = 0;         // rows after warm-up it was computed over
    bool checked = false, ok = true;
};

// Mean of the last third of the rows after warm-up against the first third, in percent.
// Thirds, not single rows: one noisy minute on a shared machine should not decide it.
std::vector<Drift> drifts(const std::vector<Row>& rows, double warmup_s,
                          const std::vector<std::string>& checked, double max_pct);

std::string row_line(const Row& row);     // `ROW key=value ...`, machine-readable
std::string table(const std::vector<Row>& rows, double warmup_s);  // markdown

}  // namespace peerline::soak
