// Shared by the data-link tests played through FakeWorld: file contents and the transfer a
// conversation shows.
#pragma once

#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "fake_world.hpp"

namespace peerline::testing {

// Deterministic pseudo-random bytes: the same seed gives the same file.
inline std::string random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    return s;
}

// The one transfer in the client's open conversation; fails the test if there is not exactly one.
inline const transfer::TransferView& only_transfer(const FakeWorld& w, int client) {
    const auto& transfers = w.view(client).conversation.transfers;
    REQUIRE(transfers.size() == 1);
    return transfers.front();
}

}  // namespace peerline::testing
