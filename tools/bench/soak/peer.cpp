#include <charconv>
#include <cstdio>
#include <cstring>

#include "worker.hpp"

namespace peerline::soak {
namespace {

constexpr std::uint64_t kDrainLimitNs = 5'000'000'000;  // churn proceeds anyway after this
constexpr auto kCloseLimit = std::chrono::seconds(5);   // then the TCP connection is dropped
constexpr auto kReconnectDelay = std::chrono::milliseconds(100);
constexpr auto kRetryDelay = std::chrono::seconds(1);
// Syntactically an id, never assigned (ids are 128 random bits): the server must answer
// unknown-peer, exactly as for someone who left.
constexpr std::string_view kNobody = "00000000000000000000000000000000";

void append_number(std::string& out, std::uint64_t v) {
    char digits[24];
    const auto r = std::to_chars(digits, digits + sizeof digits, v);
    out.append(digits, r.ptr);
}

}  // namespace

Peer::Peer(Worker& worker, int index, net::ip::address_v4 source)
    : worker(worker), index(index), source(source), timer(worker.ioc) {}

bool Peer::drained() const {
    for (int n : expected_errors) {
        if (n > 0) return false;
    }
    return partner->signals_sent + 1 == next_signal && partner->binaries_sent + 1 == next_binary;
}

void Peer::connect() {
    state = State::connecting;
    ws = std::make_unique<RawWsClient>(worker.ioc, worker.batch, *this,
                                       static_cast<std::uint32_t>(index * 2654435761u + next_signal));
    const tcp::endpoint server(net::ip::make_address(worker.config.host), worker.config.port);
    ws->connect(source, server, worker.config.host_port());
}

void Peer::on_open() {
    std::string hello = R"({"type":"hello","v":1,"name":"soak )";
    append_number(hello, static_cast<std::uint64_t>(index));
    hello += R"(","device":"desktop")";
    if (!resume.empty()) hello += R"(,"resume":")" + resume + '"';
    hello += '}';
    ws->send_text(hello);
}

void Peer::on_text(std::string_view frame) {
    if (frame.find(R"("type":"signal")") != std::string_view::npos) return on_signal(frame);
    if (frame.find(R"("type":"welcome")") != std::string_view::npos) return on_welcome(frame);
    if (frame.find(R"("type":"error")") != std::string_view::npos) return on_error(frame);
    if (frame.find(R"("type":"peer-)") != std::string_view::npos) {
        std::lock_guard lock(worker.interval_mutex);
        ++worker.interval.presence;
        return;
    }
    worker.record_unexpected(std::string("unknown frame: ") + std::string(frame.substr(0, 120)));
}

void Peer::on_welcome(std::string_view frame) {
    if (state != State::connecting) {
        return worker.record_unexpected("a welcome on a connection already welcomed");
    }
    const std::string new_id(load::welcome_id(frame));
    if (welcomed_once && new_id != id) {
        ++worker.totals.resume_failed;
        worker.record_unexpected("resume gave a new id " + new_id + " instead of " + id);
    }
    id = new_id;
    resume = std::string(field_string(frame, "resume"));
    state = State::ready;
    ++worker.ready;
    if (!welcomed_once) {
        welcomed_once = true;
        worker.on_first_welcome();
        return;
    }
    ++worker.totals.reconnects;
    std::lock_guard lock(worker.interval_mutex);
    ++worker.interval.reconnects;
}

// {"type":"signal","from":ID,"data":{"kind":"candidate","ts":T,"seq":S,"src":I,"dst":J,...}}
void Peer::on_signal(std::string_view frame) {
    const std::uint64_t now = load::now_ns();
    const std::uint64_t ts = field_number(frame, "ts");
    const std::uint64_t seq = field_number(frame, "seq");
    ++worker.totals.signals_received;
    if (field_string(frame, "from") != partner->id ||
        field_number(frame, "src") != static_cast<std::uint64_t>(partner->index) ||
        field_number(frame, "dst") != static_cast<std::uint64_t>(index)) {
        ++worker.totals.misaddressed;
        return worker.record_unexpected("misaddressed signal: " + std::string(frame.substr(0, 200)));
    }
    if (seq > next_signal) worker.totals.lost += seq - next_signal;
    if (seq < next_signal) ++worker.totals.out_of_order;
    if (seq >= next_signal) next_signal = seq + 1;
    std::lock_guard lock(worker.interval_mutex);
    ++worker.interval.signals;
    if (now > ts) worker.interval.latency.record(now - ts);
}

// [uint16 N][{"from":ID,"kind":"voice-message","id":"v<seq>","seq":S,"src":I,"dst":J}][payload]
void Peer::on_binary(std::string_view message) {
    ++worker.totals.binaries_received;
    const std::size_t n = message.size() < 2 ? 0 :
        (static_cast<unsigned char>(message[0]) << 8) | static_cast<unsigned char>(message[1]);
    if (n == 0 || 2 + n > message.size()) {
        ++worker.totals.corrupt;
        return worker.record_unexpected("binary message with a malformed header");
    }
    const std::string_view header = message.substr(2, n);
    const std::string_view payload = message.substr(2 + n);
    const std::uint64_t seq = field_number(header, "seq");
    if (field_string(header, "from") != partner->id || header.find(R"("to")") != std::string_view::npos ||
        field_number(header, "src") != static_cast<std::uint64_t>(partner->index) ||
        field_number(header, "dst") != static_cast<std::uint64_t>(index)) {
        ++worker.totals.misaddressed;
        return worker.record_unexpected("misaddressed binary: " + std::string(header.substr(0, 200)));
    }
    // The payload starts at byte seq % 256 of the repeating 0..255 template.
    const std::string_view expected =
        std::string_view(worker.payload).substr(seq % 256, static_cast<std::size_t>(worker.config.binary_bytes));
    if (payload != expected) {
        ++worker.totals.corrupt;
        worker.record_unexpected("binary payload differs from what was sent");
    }
    if (seq > next_binary) worker.totals.lost += seq - next_binary;
    if (seq < next_binary) ++worker.totals.out_of_order;
    if (seq >= next_binary) next_binary = seq + 1;
    std::lock_guard lock(worker.interval_mutex);
    ++worker.interval.binaries;
    worker.interval.binary_bytes += message.size();
}

void Peer::on_error(std::string_view frame) {
    const std::string_view code = field_string(frame, "code");
    const std::string_view ref = field_string(frame, "ref");
    int kind = -1;
    if (code == "unknown-peer" && ref == "signal") kind = static_cast<int>(Provoked::unknown_peer_signal);
    if (code == "unknown-peer" && ref == "binary") kind = static_cast<int>(Provoked::unknown_peer_binary);
    if (code == "bad-json") kind = static_cast<int>(Provoked::bad_json);
    if (kind >= 0 && expected_errors[static_cast<std::size_t>(kind)] > 0) {
        --expected_errors[static_cast<std::size_t>(kind)];
        ++worker.totals.provoked_answered;
        return;
    }
    {
        std::lock_guard lock(worker.interval_mutex);
        ++worker.interval.errors;
    }
    worker.record_unexpected(frame.substr(0, 200));
}

void Peer::send_signal() {
    std::string& m = worker.scratch;
    m.assign(R"({"type":"signal","to":")");
    m += partner->id;
    m += R"(","data":{"kind":"candidate","call":"soak","ts":)";
    append_number(m, load::now_ns());
    m += R"(,"seq":)";
    append_number(m, ++signals_sent);
    m += R"(,"src":)";
    append_number(m, static_cast<std::uint64_t>(index));
    m += R"(,"dst":)";
    append_number(m, static_cast<std::uint64_t>(partner->index));
    m += R"(,"candidate":")";
    m += worker.candidate;
    m += R"("}})";
    ++worker.totals.signals_sent;
    ws->send_text(m);
}

void Peer::send_binary() {
    const std::uint64_t seq = ++binaries_sent;
    std::string header = R"({"to":")" + partner->id + R"(","kind":"voice-message","id":"v)";
    append_number(header, seq);
    header += R"(","seq":)";
    append_number(header, seq);
    header += R"(,"src":)";
    append_number(header, static_cast<std::uint64_t>(index));
    header += R"(,"dst":)";
    append_number(header, static_cast<std::uint64_t>(partner->index));
    header += '}';
    std::string& m = worker.scratch;
    m.clear();
    m.push_back(static_cast<char>(header.size() >> 8));
    m.push_back(static_cast<char>(header.size() & 0xff));
    m += header;
    m.append(worker.payload, seq % 256, static_cast<std::size_t>(worker.config.binary_bytes));
    ++worker.totals.binaries_sent;
    ws->send_binary(m);
}

void Peer::provoke(Provoked kind) {
    ++expected_errors[static_cast<std::size_t>(kind)];
    ++worker.totals.provoked;
    switch (kind) {
        case Provoked::unknown_peer_signal:
            ws->send_text(std::string(R"({"type":"signal","to":")") + std::string(kNobody) +
                          R"(","data":{"kind":"candidate"}})");
            break;
        case Provoked::unknown_peer_binary: {
            const std::string header = std::string(R"({"to":")") + std::string(kNobody) +
                                       R"(","kind":"voice-message","id":"x"})";
            std::string m{static_cast<char>(0), static_cast<char>(header.size())};
            ws->send_binary(m + header + "OggS");
            break;
        }
        case Provoked::bad_json:
            ws->send_text("{\"type\":\"signal\",");
            break;
        case Provoked::count:
            break;
    }
}

// Stop being a target, wait for what is on its way here, then close and come back with the
// resume token.
void Peer::begin_churn() {
    state = State::leaving;
    --worker.ready;
    churn_began_ns = load::now_ns();
    wait_for_drain();
}

void Peer::wait_for_drain() {
    if (state != State::leaving) return;
    const bool overdue = load::now_ns() - churn_began_ns > kDrainLimitNs;
    if (!drained() && !overdue) {
        timer.expires_after(std::chrono::milliseconds(20));
        timer.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) wait_for_drain();
        });
        return;
    }
    if (overdue) ++worker.totals.drain_timeouts;
    state = State::closing;
    ws->close(peerline::ws::close_code::normal);
    worker.batch.flush();
    timer.expires_after(kCloseLimit);
    timer.async_wait([this](const boost::system::error_code& ec) {
        if (ec || state != State::closing) return;
        worker.record_unexpected("the server did not answer our close within 5 s");
        ws->abort();
    });
}

void Peer::on_closed() {
    if (worker.closing) return;
    if (state != State::closing) {
        if (state == State::ready) --worker.ready;
        ++worker.totals.dropped;
        worker.record_unexpected("the server ended a connection we did not close");
    }
    state = State::away;
    timer.cancel();
    retire_connection();
    timer.expires_after(kReconnectDelay);
    timer.async_wait([this](const boost::system::error_code& ec) {
        if (!ec && !worker.closing) connect();
    });
}

void Peer::on_connect_failed(const char* stage, const std::string& detail) {
    if (worker.totals.connect_failures++ < 3) {
        std::fprintf(stderr, "soak: %s from %s failed: %s\n", stage, source.to_string().c_str(),
                     detail.c_str());
    }
    worker.record_unexpected(std::string(stage) + " failed: " + detail);
    state = State::away;
    retire_connection();
    timer.expires_after(kRetryDelay);
    timer.async_wait([this](const boost::system::error_code& ec) {
        if (!ec && !worker.closing) connect();
    });
}

void Peer::on_protocol_error(const char* what) {
    worker.record_unexpected(std::string("protocol error from the server: ") + what);
}

// Called from inside the connection's own handlers: it may not be destroyed yet.
void Peer::retire_connection() {
    if (ws) worker.retire(std::move(ws));
}

}  // namespace peerline::soak
