// Edits of a parsed description. Each rewrites the section's lines (the source of truth) and
// re-derives its typed view, so serialize() shows exactly the edit and nothing else moves.
// The text of a written line is kept in the section's TextStore (description.hpp); the text of
// the line it replaced stays there too, until the section is dropped, since views of it may
// still be held.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "result.hpp"
#include "sdp/description.hpp"

namespace peerline::sdp {

using Parameters = std::vector<std::pair<std::string, std::string>>;

// Rewrites the m= line's format list. `formats` must be a permutation of a subset of the
// current ones; lines of dropped formats stay (RFC 8866 §6.6: ignored when not listed).
Result<bool> set_format_order(MediaSection& section, const std::vector<std::string>& formats);

// Sets (adds or replaces) fmtp parameters of one payload type, keeping the others in order;
// adds an a=fmtp line after the type's a=rtpmap when there is none.
Result<bool> set_format_parameters(MediaSection& section, std::uint8_t payload_type, const Parameters& parameters);

// Sets a value attribute ("ptime", "maxptime"...) once in the section: replaces the first
// such line, or inserts it after the last rtpmap/fmtp/rtcp-fb line.
Result<bool> set_attribute(MediaSection& section, std::string_view name, std::string_view value);

// Sets b=<type>:<value>, replacing a line of that type or inserting it where RFC 8866 §5
// orders it: after the m=, i= and c= lines, before the attributes.
Result<bool> set_bandwidth(MediaSection& section, std::string_view type, std::uint64_t value);

}  // namespace peerline::sdp
