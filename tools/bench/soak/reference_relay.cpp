#include "reference_relay.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "common.hpp"
#include "sampler.hpp"

namespace peerline::soak {
namespace {

constexpr std::size_t kMessageBytes = 128;  // about a small signal's size

void no_delay(int fd) {
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

bool write_all(int fd, const char* data, std::size_t n) {
    while (n > 0) {
        const ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);  // a closed peer is an error, not a signal
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        data += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

bool read_all(int fd, char* data, std::size_t n) {
    while (n > 0) {
        const ssize_t r = ::read(fd, data, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        data += r;
        n -= static_cast<std::size_t>(r);
    }
    return true;
}

// The child: whatever arrives on the first connection goes out on the second, until EOF.
[[noreturn]] void relay_forever(int listener) {
    const int from = ::accept(listener, nullptr, nullptr);
    const int to = ::accept(listener, nullptr, nullptr);
    ::close(listener);
    if (from < 0 || to < 0) ::_exit(1);
    no_delay(to);
    char buffer[16 * 1024];
    for (;;) {
        const ssize_t r = ::read(from, buffer, sizeof buffer);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0 || !write_all(to, buffer, static_cast<std::size_t>(r))) break;
    }
    ::_exit(0);
}

int connect_to(const sockaddr_in& address) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    no_delay(fd);
    return fd;
}

}  // namespace

ReferenceRelay::ReferenceRelay(double rate) : rate_(rate) {
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener, 2) != 0 || ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        if (listener >= 0) ::close(listener);
        return;
    }
    const pid_t pid = ::fork();
    if (pid == 0) relay_forever(listener);
    ::close(listener);
    if (pid < 0) return;
    child_ = pid;
    in_ = connect_to(address);
    out_ = connect_to(address);
    cpu_before_s_ = cpu_seconds(child_);
}

ReferenceRelay::~ReferenceRelay() {
    stop_ = true;
    if (sender_.joinable()) sender_.join();
    if (in_ >= 0) ::shutdown(in_, SHUT_WR);  // the relay sees EOF, exits, and so ends our reader
    if (receiver_.joinable()) receiver_.join();
    if (child_ > 0) {
        ::kill(static_cast<pid_t>(child_), SIGTERM);
        ::waitpid(static_cast<pid_t>(child_), nullptr, 0);
    }
    if (in_ >= 0) ::close(in_);
    if (out_ >= 0) ::close(out_);
}

void ReferenceRelay::start() {
    if (!ok()) return;
    sender_ = std::thread([this] { send_loop(); });
    receiver_ = std::thread([this] { receive_loop(); });
}

void ReferenceRelay::send_loop() {
    const auto period = static_cast<std::uint64_t>(1e9 / rate_);
    std::uint64_t next = load::now_ns();
    char message[kMessageBytes] = {};
    while (!stop_) {
        next += period;
        const std::uint64_t now = load::now_ns();
        if (next > now) std::this_thread::sleep_for(std::chrono::nanoseconds(next - now));
        const std::uint64_t stamp = load::now_ns();
        std::memcpy(message, &stamp, sizeof stamp);
        if (!write_all(in_, message, sizeof message)) return;
    }
}

void ReferenceRelay::receive_loop() {
    char message[kMessageBytes];
    while (read_all(out_, message, sizeof message)) {
        std::uint64_t stamp = 0;
        std::memcpy(&stamp, message, sizeof stamp);
        const std::uint64_t now = load::now_ns();
        std::lock_guard lock(mutex_);
        latency_.record(now > stamp ? now - stamp : 0);
        ++messages_;
    }
}

ReferenceReading ReferenceRelay::take() {
    ReferenceReading r;
    load::Histogram latency;
    {
        std::lock_guard lock(mutex_);
        std::swap(latency, latency_);
        r.messages = messages_;
        messages_ = 0;
    }
    r.p50_us = static_cast<double>(latency.quantile(0.5)) / 1e3;
    r.p99_us = static_cast<double>(latency.quantile(0.99)) / 1e3;
    const double cpu_now = child_ > 0 ? cpu_seconds(child_) : -1;
    if (cpu_now >= 0 && cpu_before_s_ >= 0 && r.messages > 0) {
        r.cpu_us_per_msg = (cpu_now - cpu_before_s_) * 1e6 / static_cast<double>(r.messages);
    }
    cpu_before_s_ = cpu_now;
    return r;
}

}  // namespace peerline::soak
