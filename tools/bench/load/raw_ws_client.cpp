#include "raw_ws_client.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace peerline::load {
namespace {

constexpr std::size_t kReadBufferBytes = 16 * 1024;

// Peerline's and the Node relay's messages are JSON text; a welcome listing a big room is the
// largest. Binary messages (voice messages, docs/protocol.md) are at most 256 KiB.
constexpr ws::MessageLimits kLimits{16 * 1024 * 1024, 1024 * 1024};

std::string base64(const unsigned char* data, std::size_t size) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < size; i += 3) {
        const std::size_t n = std::min<std::size_t>(3, size - i);
        std::uint32_t group = std::uint32_t{data[i]} << 16;
        if (n > 1) group |= std::uint32_t{data[i + 1]} << 8;
        if (n > 2) group |= data[i + 2];
        for (std::size_t k = 0; k < 4; ++k) {
            out.push_back(k <= n ? kAlphabet[(group >> (18 - 6 * k)) & 0x3F] : '=');
        }
    }
    return out;
}

// What Beast's client handshake sent, plus the Origin and User-Agent configure_client adds:
// an Origin the server sees as same-origin.
std::string upgrade_request(const std::string& host_port, const std::string& key, const std::string& path) {
    return "GET " + path + " HTTP/1.1\r\n"
           "Host: " + host_port + "\r\n"
           "Upgrade: websocket\r\n"
           "Connection: Upgrade\r\n"
           "Sec-WebSocket-Key: " + key + "\r\n"
           "Sec-WebSocket-Version: 13\r\n"
           "Origin: http://" + host_port + "\r\n"
           "User-Agent: peerline-load\r\n"
           "\r\n";
}

// Only the status is checked. Sec-WebSocket-Accept is not verified: it guards against
// caches and non-WebSocket servers answering 101 by mistake, which our loopback servers
// under test are not.
bool is_switching_protocols(std::string_view headers) {
    constexpr std::string_view status = "HTTP/1.1 101";
    return headers.substr(0, status.size()) == status &&
           (headers.size() == status.size() || headers[status.size()] == ' ' ||
            headers[status.size()] == '\r');
}

}  // namespace

void WriteBatch::flush() {
    // By index: a write that completes at once may queue more frames, and clients, behind.
    for (std::size_t i = 0; i < waiting_.size(); ++i) {
        RawWsClient* client = waiting_[i];
        client->in_batch_ = false;
        client->write_pending();
    }
    waiting_.clear();
}

RawWsClient::RawWsClient(net::io_context& ioc, WriteBatch& batch, Listener& listener,
                         std::uint32_t seed)
    : socket_(ioc),
      batch_(batch),
      listener_(listener),
      reader_(ws::Role::client, kLimits),
      mask_state_(seed != 0 ? seed : 0x9E3779B9u),
      in_(kReadBufferBytes) {}

std::uint32_t RawWsClient::next_mask_key() {
    std::uint32_t x = mask_state_;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return mask_state_ = x;
}

// No handshake timeout of its own: run_relay gives up on clients not welcomed within 60 s.
void RawWsClient::connect(const net::ip::address_v4& source, const tcp::endpoint& server,
                          const std::string& host_port) {
    beast::error_code ec;
    open_bound(socket_, source, ec);
    if (ec) {
        shut_down();
        return listener_.on_connect_failed("connect", ec.message());
    }
    unsigned char nonce[16];
    for (std::size_t i = 0; i < sizeof nonce; i += 4) {
        const std::uint32_t r = next_mask_key();
        std::memcpy(nonce + i, &r, 4);
    }
    request_ = upgrade_request(host_port, base64(nonce, sizeof nonce), path_);
    socket_.async_connect(server, [this](const beast::error_code& e) { on_connect(e); });
}

void RawWsClient::on_connect(const beast::error_code& ec) {
    if (ec) {
        shut_down();
        return listener_.on_connect_failed("connect", ec.message());
    }
    beast::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    socket_.non_blocking(true, ignored);  // write_pending tries its write without waiting
    net::async_write(socket_, net::buffer(request_),
                     [this](const beast::error_code& e, std::size_t) { on_request_written(e); });
}

void RawWsClient::on_request_written(const beast::error_code& ec) {
    if (ec) {
        shut_down();
        return listener_.on_connect_failed("handshake", ec.message());
    }
    std::string().swap(request_);
    read_response();
}

void RawWsClient::read_response() {
    socket_.async_read_some(net::buffer(in_.data() + in_size_, in_.size() - in_size_),
                            [this](const beast::error_code& e, std::size_t n) { on_response_bytes(e, n); });
}

// Reads until the blank line that ends the response headers; the bytes after it are frames.
void RawWsClient::on_response_bytes(const beast::error_code& ec, std::size_t n) {
    if (ec) {
        shut_down();
        return listener_.on_connect_failed("handshake", ec.message());
    }
    in_size_ += n;
    const std::string_view bytes(in_.data(), in_size_);
    const auto blank_line = bytes.find("\r\n\r\n");
    if (blank_line == std::string_view::npos) {
        if (in_size_ < in_.size()) return read_response();
        shut_down();
        return listener_.on_connect_failed("handshake", "response headers over 16 KiB");
    }
    if (!is_switching_protocols(bytes)) {
        const std::string status_line(bytes.substr(0, bytes.find("\r\n")));
        shut_down();
        return listener_.on_connect_failed("handshake", "server answered '" + status_line + "'");
    }
    keep_unparsed(blank_line + 4);
    open_ = true;
    listener_.on_open();
    if (parse_frames()) read_frames();
    batch_.flush();
}

void RawWsClient::read_frames() {
    socket_.async_read_some(net::buffer(in_.data() + in_size_, in_.size() - in_size_),
                            [this](const beast::error_code& e, std::size_t n) { on_frame_bytes(e, n); });
}

void RawWsClient::on_frame_bytes(const beast::error_code& ec, std::size_t n) {
    if (ec) return fail();
    in_size_ += n;
    if (parse_frames()) read_frames();
    batch_.flush();  // this client's pongs, and whatever its frames made other clients send
}

// Handles every complete frame in the buffer and keeps a trailing partial one. False once
// reading is over (the server's close, or a protocol error).
bool RawWsClient::parse_frames() {
    std::size_t used = 0;
    while (used < in_size_) {
        ws::Event event;
        bool has_event = false;
        const std::size_t n = reader_.next(in_.data() + used, in_size_ - used, event, has_event);
        if (n == 0) break;
        used += n;
        if (has_event && !handle(event)) return false;
    }
    keep_unparsed(used);
    return true;
}

bool RawWsClient::handle(const ws::Event& event) {
    using Kind = ws::Event::Kind;
    switch (event.kind) {
        case Kind::message:
            if (event.binary) {
                listener_.on_binary(event.payload);
            } else {
                listener_.on_text(event.payload);
            }
            return true;
        case Kind::ping:
            if (open_ && !close_sent_) queue_frame(ws::Opcode::pong, event.payload);
            return true;
        case Kind::pong:
            return true;
        case Kind::close:
            close_received_ = true;
            if (!close_sent_) {  // the server started closing: echo its code (RFC 6455 §5.5.1)
                close_sent_ = true;
                queue_frame(ws::Opcode::close,
                            event.code == ws::close_code::no_status
                                ? std::string()
                                : ws::close_payload(event.code, ""));
            }
            // Our close goes out first if still queued; finish_write closes the socket then.
            if (!write_in_flight_ && pending_.empty()) shut_down();
            end();
            return false;
        case Kind::too_large:
            listener_.on_protocol_error("message over the load generator's limit");
            fail();
            return false;
        case Kind::error:
            listener_.on_protocol_error(event.what);
            fail();
            return false;
    }
    return true;
}

// Moves the bytes from `used` on to the front; a partial frame that fills the whole buffer
// (a big welcome, a big payload) gets a bigger one.
void RawWsClient::keep_unparsed(std::size_t used) {
    if (used > 0) {
        std::memmove(in_.data(), in_.data() + used, in_size_ - used);
        in_size_ -= used;
    }
    if (in_size_ == in_.size()) in_.resize(in_.size() * 2);
}

void RawWsClient::send_text(std::string_view payload) {
    if (!open_ || close_sent_) return;
    queue_frame(ws::Opcode::text, payload);
    ++pending_texts_;
}

void RawWsClient::send_binary(std::string_view payload) {
    if (!open_ || close_sent_) return;
    queue_frame(ws::Opcode::binary, payload);
}

void RawWsClient::close(std::uint16_t code) {
    if (!open_ || close_sent_) return;
    close_sent_ = true;
    queue_frame(ws::Opcode::close, ws::close_payload(code, ""));
}

void RawWsClient::queue_frame(ws::Opcode opcode, std::string_view payload) {
    ws::append_masked_frame(pending_, opcode, payload, next_mask_key());
    if (one_frame_per_write_) pending_ends_.emplace_back(pending_.size(), opcode == ws::Opcode::text);
    // A write in flight sends these frames when it completes; else the next batch flush does.
    if (!write_in_flight_ && !in_batch_) {
        in_batch_ = true;
        batch_.add(this);
    }
}

// Double buffer: what was queued becomes the write; frames queued from now on wait behind it.
// The write is tried at once on the non-blocking socket: on loopback it nearly always
// completes, which saves a completion handler. What the kernel does not take goes out by
// async_write.
void RawWsClient::write_pending() {
    if (write_in_flight_ || pending_.empty() || !socket_.is_open()) return;
    if (one_frame_per_write_) return write_one_by_one();
    std::swap(pending_, writing_);
    pending_.clear();
    writing_texts_ = std::exchange(pending_texts_, 0);
    beast::error_code ec;
    const std::size_t written = socket_.write_some(net::buffer(writing_), ec);
    if (ec == net::error::would_block) {
        ec = {};
    } else if (ec) {
        return fail();
    }
    if (written == writing_.size()) return finish_write();
    write_in_flight_ = true;
    net::async_write(socket_, net::buffer(writing_.data() + written, writing_.size() - written),
                     [this](const beast::error_code& e, std::size_t) { on_written(e); });
}

// One send(2) per frame. A frame the kernel does not take whole finishes by async_write; the
// frames behind it wait for that.
void RawWsClient::write_one_by_one() {
    std::size_t at = 0;
    std::size_t texts = 0;
    std::size_t frames = 0;
    for (const auto& [end, text] : pending_ends_) {
        beast::error_code ec;
        std::size_t written = socket_.write_some(net::buffer(pending_.data() + at, end - at), ec);
        if (ec == net::error::would_block) {
            written = 0;
        } else if (ec) {
            return fail();
        }
        ++frames;
        if (text) ++texts;
        if (written < end - at) {
            writing_.assign(pending_, at + written, end - at - written);
            pending_.erase(0, end);
            pending_ends_.erase(pending_ends_.begin(), pending_ends_.begin() + static_cast<std::ptrdiff_t>(frames));
            for (auto& e : pending_ends_) e.first -= end;
            writing_texts_ = texts;
            pending_texts_ -= texts;
            write_in_flight_ = true;
            net::async_write(socket_, net::buffer(writing_),
                             [this](const beast::error_code& e, std::size_t) { on_written(e); });
            return;
        }
        at = end;
    }
    pending_.clear();
    pending_ends_.clear();
    pending_texts_ -= texts;
    writing_texts_ = texts;
    finish_write();
}

void RawWsClient::on_written(const beast::error_code& ec) {
    write_in_flight_ = false;
    if (ec) return fail();
    finish_write();
    batch_.flush();  // anything the listener queued for other clients
}

void RawWsClient::finish_write() {
    writing_.clear();
    listener_.on_sent(std::exchange(writing_texts_, 0));
    if (!pending_.empty()) return write_pending();  // all of it in one write
    if (close_received_) shut_down();  // our answer to the server's close is out
}

void RawWsClient::fail() {
    shut_down();
    end();
}

void RawWsClient::shut_down() {
    beast::error_code ignored;
    if (socket_.is_open()) socket_.close(ignored);
}

void RawWsClient::end() {
    if (!open_) return;
    open_ = false;
    listener_.on_closed();
}

}  // namespace peerline::load
