// The conversation with one peer: its chat (with delivery marks) and its file transfers (offer,
// accept/decline, progress with percent, rate and ETA, cancel, save). Text goes in as text only.
#pragma once

#include "view.hpp"

namespace peerline::browser::conversation {

void attach();
void render(const Conversation& conversation);

}  // namespace peerline::browser::conversation
