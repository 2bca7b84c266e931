// Parse + serialize of one description, timed; the same source is built natively and for
// Wasm by run.sh. Prints "<operation> <µs per op>" lines for run.sh to tabulate.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "sdp/description.hpp"

namespace {

template <typename Op>
double best_microseconds_per_op(Op op, int iterations) {
    std::vector<double> rounds;
    for (int round = 0; round < 7; ++round) {
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < iterations; ++i) op();
        const std::chrono::duration<double, std::micro> elapsed = std::chrono::steady_clock::now() - start;
        rounds.push_back(elapsed.count() / iterations);
    }
    std::sort(rounds.begin(), rounds.end());
    return rounds[rounds.size() / 2];  // median round: robust to a noisy neighbour
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: sdp_bench FILE [iterations]\n");
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const int iterations = argc > 2 ? std::atoi(argv[2]) : 20000;
    auto parsed = peerline::sdp::parse(text);
    if (!parsed || peerline::sdp::serialize(parsed.value()) != text) {
        std::fprintf(stderr, "sdp_bench: %s does not round-trip\n", argv[1]);
        return 1;
    }
    std::size_t sink = 0;  // keeps the optimizer from dropping the work
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
