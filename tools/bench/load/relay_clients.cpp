// The relay benchmark's clients: what one peer does with each frame (relay_clients.hpp).
#include "relay_clients.hpp"

#include <algorithm>
#include <charconv>

namespace peerline::load::relay {

Client::Client(Worker& worker, std::uint32_t seed)
    : worker(worker), ws(worker.ioc, worker.batch, *this, seed) {}

void Client::start() {
    const auto& config = worker.config;
    const unsigned short port = second && config.port2 ? config.port2 : config.target.port;
    const tcp::endpoint server(net::ip::make_address(config.target.host), port);
    ws.set_one_frame_per_write(config.one_frame_per_write);
    if (config.peerjs) {
        // PeerJS clients choose their ids (and a token) in the upgrade's query string.
        ws.set_path("/peerjs?key=peerjs&id=" + id + "&token=t" + id);
    }
    ws.connect(source, server, config.target.host + ":" + std::to_string(port));
}

void Client::on_connect_failed(const char* stage, const std::string& detail) {
    if (worker.connect_failures++ < 3) {
        std::fprintf(stderr, "%s from %s failed: %s\n", stage, source.to_string().c_str(),
                     detail.c_str());
    }
}

void Client::on_open() {
    if (worker.config.peerjs) return;  // the server speaks first: OPEN
    ws.send_text(R"({"type":"hello","v":1,"name":"load","device":"desktop"})");
}

void Client::on_text(std::string_view frame) {
    if (const auto ts_at = frame.find("\"ts\":"); ts_at != std::string_view::npos) {
        return on_signal(frame, ts_at);
    }
    if (!worker.sending) worker.last_frame_ns.store(now_ns(), std::memory_order_relaxed);
    if (!ready && worker.config.peerjs && is_type(frame, "\"type\":\"OPEN\"")) {
        ready = true;
        worker.on_ready();
    } else if (!ready && is_type(frame, "\"type\":\"welcome\"")) {
        id = std::string(welcome_id(frame));
        ready = true;
        worker.on_ready();
    } else if (is_type(frame, "\"type\":\"error\"") || is_type(frame, "\"type\":\"ERROR\"") ||
               is_type(frame, "\"type\":\"EXPIRE\"") || is_type(frame, "\"type\":\"ID-TAKEN\"")) {
        worker.record_error(frame);
    }
}

void Client::on_signal(std::string_view frame, std::size_t ts_at) {
    const std::uint64_t now = now_ns();
    std::uint64_t ts = 0;
    const char* begin = frame.data() + ts_at + 5;
    std::from_chars(begin, frame.data() + frame.size(), ts);
    ++worker.received;
    if (now >= worker.t_window && now < worker.t_end && ts >= worker.t_window) {
        ++worker.received_in_window;
        worker.latency.record(now - ts);
    }
    // The server must stamp the partner's id as `from` (PeerJS: `src`).
    const std::string_view from_key = worker.config.peerjs ? "\"src\":\"" : "\"from\":\"";
    const auto from_at = frame.find(from_key);
    if (from_at == std::string_view::npos ||
        frame.compare(from_at + from_key.size(), partner->id.size(), partner->id) != 0) {
        ++worker.wrong_sender;
    }
    // Order per sender: the partner's seq only grows.
    if (const auto seq_at = frame.find("\"seq\":", ts_at); seq_at != std::string_view::npos) {
        std::uint64_t n = 0;
        std::from_chars(frame.data() + seq_at + 6, frame.data() + frame.size(), n);
        if (n <= last_seq_received) ++worker.reordered;
        last_seq_received = n;
    }
    // The partner's answer joins whatever else this read frees up in its next write.
    --partner->in_flight;
    partner->fill_window();
}

void Client::on_sent(std::size_t text_messages) {
    if (ready) worker.sent += text_messages;
}

void Client::on_protocol_error(const char* what) {
    worker.record_error(std::string("protocol error from the server: ") + what);
}

void Client::on_closed() {
    if (!worker.closing) ++worker.lost;
}

// Unpaced closed loop: top the sender up to `window` messages in flight.
void Client::fill_window() {
    if (!worker.sending || worker.closing || worker.config.rate > 0) return;
    while (in_flight < worker.config.window) send_signal();
}

// The send time is stamped when the frame is queued, so the latency includes any time the
// frame waits in this client's batch for the write before it to complete.
void Client::send_signal() {
    char number[24];
    message.assign(prefix);
    auto r = std::to_chars(number, number + sizeof number, now_ns());
    message.append(number, r.ptr);
    message.append(",\"seq\":");
    r = std::to_chars(number, number + sizeof number, ++seq);
    message.append(number, r.ptr);
    message.append(suffix);
    ++in_flight;
    ws.send_text(message);
}

// Waits until `pid` uses under 5 % of a core over 250 ms (at most `limit_s`): presence storms
// of earlier joins or leaves must be over before anything is measured. Returns seconds waited.
}  // namespace peerline::load::relay
