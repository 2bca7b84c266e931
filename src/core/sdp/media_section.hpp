// Builds the typed view of one media section from its lines (used by the parser and by edits).
#pragma once

#include <cstddef>
#include <vector>

#include "result.hpp"
#include "sdp/description.hpp"

namespace peerline::sdp {

// lines[0] is the m= line; first_line is its 1-based number in the text, for error messages.
Result<MediaSection> build_media_section(std::vector<Line> lines, std::size_t first_line);

// "line 12: <reason>" as an sdp-syntax error.
Error syntax_error(std::size_t line_number, const std::string& reason);

}  // namespace peerline::sdp
