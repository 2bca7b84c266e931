#include "corpus.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <catch2/catch.hpp>

namespace peerline::sdp::test {

std::vector<std::string> fixture_names() {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(PEERLINE_SDP_FIXTURES)) {
        if (entry.path().extension() == ".sdp") names.push_back(entry.path().stem().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string fixture_text(const std::string& name) {
    std::ifstream in(std::string(PEERLINE_SDP_FIXTURES) + "/" + name + ".sdp", std::ios::binary);
    REQUIRE(in.good());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Description fixture(const std::string& name) {
    auto parsed = parse(fixture_text(name));
    INFO(name << ": " << (parsed ? "" : parsed.error().message));
    REQUIRE(parsed.ok());
    return std::move(parsed).value();
}

}  // namespace peerline::sdp::test
