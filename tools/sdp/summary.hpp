// The two renderings of `peerline-sdp inspect`: a readable summary and JSON.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "sdp/description.hpp"

namespace peerline::sdp_tool {

std::string readable_summary(const sdp::Description& description);
nlohmann::json json_summary(const sdp::Description& description);

}  // namespace peerline::sdp_tool
