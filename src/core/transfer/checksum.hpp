// XXH3-128 of a file, fed chunk by chunk as it is sent or received (Debian's header-only
// xxHash, XXH_INLINE_ALL: the same code natively and in Wasm).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>
#include <cstdint>

#include "transfer/frame.hpp"

namespace peerline::transfer {

class Checksum {
public:
    Checksum();
    ~Checksum();
    Checksum(Checksum&&) noexcept;
    Checksum& operator=(Checksum&&) noexcept;

    void reset();
    void update(std::string_view bytes);
    Digest digest() const;  // of everything since the last reset; the state stays usable
    // The state as it is now (resume: a transfer continues hashing from a block boundary).
    Checksum snapshot() const;

private:
    struct State;  // XXH3_state_t: 64-byte aligned, kept out of this header
    std::unique_ptr<State> state_;
};

// XXH3-64 of one block, fed chunk by chunk (framing v2's block-sum frames).
class BlockHash {
public:
    BlockHash();
    ~BlockHash();
    BlockHash(BlockHash&&) noexcept;
    BlockHash& operator=(BlockHash&&) noexcept;

    void reset();
    void update(std::string_view bytes);
    std::uint64_t digest() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

// XXH3-128 over a list of block checksums (each as 8 big-endian bytes): a receiver's resume
// proof in one value, so it fits a control message whatever the file's size.
Digest proof_digest(const std::vector<std::uint64_t>& sums, std::size_t count);

Digest digest_of(std::string_view bytes);  // one shot, for tests and tools
std::string to_hex(const Digest& digest);    // 32 lowercase hex digits

}  // namespace peerline::transfer
