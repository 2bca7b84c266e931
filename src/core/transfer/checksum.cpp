#include "transfer/checksum.hpp"

#include <xxhash.h>

namespace peerline::transfer {
namespace {

Digest canonical(XXH128_hash_t hash) {
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, hash);
    Digest d;
    for (std::size_t i = 0; i < d.size(); ++i) d[i] = c.digest[i];
    return d;
}

}  // namespace

struct Checksum::State {
    XXH3_state_t xxh;
};

Checksum::Checksum() : state_(std::make_unique<State>()) { reset(); }
Checksum::~Checksum() = default;
Checksum::Checksum(Checksum&&) noexcept = default;
Checksum& Checksum::operator=(Checksum&&) noexcept = default;

void Checksum::reset() { XXH3_128bits_reset(&state_->xxh); }

void Checksum::update(std::string_view bytes) {
    XXH3_128bits_update(&state_->xxh, bytes.data(), bytes.size());
}

Digest Checksum::digest() const { return canonical(XXH3_128bits_digest(&state_->xxh)); }

Checksum Checksum::snapshot() const {
    Checksum copy;
    XXH3_copyState(&copy.state_->xxh, &state_->xxh);
    return copy;
}

struct BlockHash::State {
    XXH3_state_t xxh;
};

BlockHash::BlockHash() : state_(std::make_unique<State>()) { reset(); }
BlockHash::~BlockHash() = default;
BlockHash::BlockHash(BlockHash&&) noexcept = default;
BlockHash& BlockHash::operator=(BlockHash&&) noexcept = default;

void BlockHash::reset() { XXH3_64bits_reset(&state_->xxh); }

void BlockHash::update(std::string_view bytes) { XXH3_64bits_update(&state_->xxh, bytes.data(), bytes.size()); }

std::uint64_t BlockHash::digest() const { return XXH3_64bits_digest(&state_->xxh); }

Digest proof_digest(const std::vector<std::uint64_t>& sums, std::size_t count) {
    Checksum hash;
    for (std::size_t i = 0; i < count && i < sums.size(); ++i) {
        char bytes[8];
        for (int b = 0; b < 8; ++b) bytes[b] = static_cast<char>(sums[i] >> (56 - 8 * b));
        hash.update(std::string_view(bytes, 8));
    }
    return hash.digest();
}

Digest digest_of(std::string_view bytes) {
    return canonical(XXH3_128bits(bytes.data(), bytes.size()));
}

std::string to_hex(const Digest& digest) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(32);
    for (auto b : digest) {
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 15]);
    }
    return out;
}

}  // namespace peerline::transfer
