// "Recent": the call history under the roster (issue 19): who, in or out, what became of it,
// when, how long; missed calls marked and counted; a "Call back" icon button on each entry that
// is disabled, with the reason as its description and tooltip, when that peer is not online.
#pragma once

#include "view.hpp"

namespace peerline::browser::recent_calls {

void attach();
void render(const View& view);

}  // namespace peerline::browser::recent_calls
