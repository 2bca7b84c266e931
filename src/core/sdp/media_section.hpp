// Builds the typed view of one media section from its lines (used by the parser and by edits).
#pragma once

#include <cstddef>
#include <vector>

#include "result.hpp"
#include "sdp/description.hpp"

namespace peerline::sdp {

// Fills the typed view of `section` from section.lines (lines[0] is the m= line), whose values
// view section.text; the typed fields must still be empty. section.first_line is the 1-based
// number of the m= line in the text, for error messages.
Result<bool> build_media_section(MediaSection& section);

// "line 12: <reason>" as an sdp-syntax error.
Error syntax_error(std::size_t line_number, const std::string& reason);

}  // namespace peerline::sdp
