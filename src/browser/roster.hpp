// The list of people online: one tile per peer with "Call <name>" and "Audio call <name>".
#pragma once

#include <vector>

#include "view.hpp"

namespace peerline::browser::roster {

void attach();
void render(const std::vector<PeerTile>& peers);

}  // namespace peerline::browser::roster
