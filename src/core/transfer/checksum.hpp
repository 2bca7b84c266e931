// XXH3-128 of a file, fed chunk by chunk as it is sent or received (Debian's header-only
// xxHash, XXH_INLINE_ALL: the same code natively and in Wasm).
#pragma once

#include <memory>
#include <string>
#include <string_view>

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

private:
    struct State;  // XXH3_state_t: 64-byte aligned, kept out of this header
    std::unique_ptr<State> state_;
};

Digest digest_of(std::string_view bytes);  // one shot, for tests and tools
std::string to_hex(const Digest& digest);    // 32 lowercase hex digits

}  // namespace peerline::transfer
