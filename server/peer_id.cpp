#include "peer_id.hpp"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <random>
#include <stdexcept>

namespace peerline::server {
namespace {

void fill_random(std::uint8_t* out, std::size_t size) {
    std::size_t done = 0;
    while (done < size) {
        ssize_t got = getrandom(out + done, size - done, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            // No getrandom (very old kernel): std::random_device reads /dev/urandom on glibc.
            std::random_device device;
            for (; done < size; ++done) out[done] = static_cast<std::uint8_t>(device());
            return;
        }
        done += static_cast<std::size_t>(got);
    }
}

}  // namespace

std::string make_peer_id() {
    std::array<std::uint8_t, 16> bytes{};
    fill_random(bytes.data(), bytes.size());
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id;
    id.reserve(bytes.size() * 2);
    for (std::uint8_t b : bytes) {
        id.push_back(kHex[b >> 4]);
        id.push_back(kHex[b & 0x0f]);
    }
    return id;
}

}  // namespace peerline::server
