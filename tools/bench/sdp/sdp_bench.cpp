// Parse + serialize of one description, timed; the same source is built natively and for
// Wasm by run.sh. Prints "<operation> <µs per op>" lines for run.sh to tabulate.
// `sdp_bench FILE --ops N` only runs N parse+serialize ops, untimed: callgrind.sh counts
// instructions of two such runs, which is stable on a loaded machine where time is not.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "sdp/description.hpp"

namespace {

// The fastest of many short rounds: on a shared machine a round is only ever slowed down by
// neighbours, never sped up, so the minimum is the estimate least disturbed by them (a median
// of a few long rounds still moved 2-4x between runs here).
template <typename Op>
double best_microseconds_per_op(Op op, int iterations) {
    constexpr int kRounds = 25;
    const int per_round = iterations / 5 > 0 ? iterations / 5 : 1;
    double best = 1e300;
    for (int round = 0; round < kRounds; ++round) {
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < per_round; ++i) op();
        const std::chrono::duration<double, std::micro> elapsed = std::chrono::steady_clock::now() - start;
        best = std::min(best, elapsed.count() / per_round);
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: sdp_bench FILE [iterations]\n");
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    auto parsed = peerline::sdp::parse(text);
    if (!parsed || peerline::sdp::serialize(parsed.value()) != text) {
        std::fprintf(stderr, "sdp_bench: %s does not round-trip\n", argv[1]);
        return 1;
    }
    std::size_t sink = 0;  // keeps the optimizer from dropping the work
    if (argc > 3 && std::string(argv[2]) == "--ops") {
        for (int i = std::atoi(argv[3]); i > 0; --i) {
            auto d = peerline::sdp::parse(text);
            sink += peerline::sdp::serialize(d.value()).size();
        }
        std::printf("sink %zu\n", sink % 10);
        return 0;
    }
    const int iterations = argc > 2 ? std::atoi(argv[2]) : 20000;
    const double parse_us = best_microseconds_per_op([&] { sink += peerline::sdp::parse(text).ok(); }, iterations);
    const auto& description = parsed.value();
    const double serialize_us = best_microseconds_per_op([&] { sink += peerline::sdp::serialize(description).size(); }, iterations);
    const double both_us = best_microseconds_per_op([&] {
        auto d = peerline::sdp::parse(text);
        sink += peerline::sdp::serialize(d.value()).size();
    }, iterations);
    std::printf("bytes %zu\nparse %.2f\nserialize %.2f\nparse+serialize %.2f\nsink %zu\n", text.size(), parse_us, serialize_us,
                both_us, sink % 10);
    return 0;
}
