// The fixture corpus (tests/fixtures/sdp, documented in its README.md), loaded by name.
#pragma once

#include <string>
#include <vector>

#include "sdp/description.hpp"

namespace peerline::sdp::test {

std::vector<std::string> fixture_names();            // every *.sdp, sorted
std::string fixture_text(const std::string& name);   // the bytes of <name>.sdp
Description fixture(const std::string& name);        // parsed; fails the test if it does not parse

}  // namespace peerline::sdp::test
