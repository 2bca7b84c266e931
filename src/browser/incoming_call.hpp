// The incoming-call dialog (role="alertdialog", modal, focused on open): who calls, video or
// audio, and Accept / Accept audio only / Decline. Escape declines. Rings while it is open.
#pragma once

#include "view.hpp"

namespace peerline::browser::incoming_call {

void attach();
void render(const CallPanel& call);

}  // namespace peerline::browser::incoming_call
