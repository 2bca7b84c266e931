// The "Call statistics" region: the core's one-line summary and an inline SVG sparkline of the
// bitrate in and out (built with createElementNS, no library).
#pragma once

#include "view.hpp"

namespace peerline::browser::stats_panel {

void attach();
void render(const CallPanel& call);

}  // namespace peerline::browser::stats_panel
