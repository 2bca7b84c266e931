// The shell's one entry point back into the core: every browser callback ends here.
#pragma once

#include "events.hpp"
#include "view.hpp"

namespace peerline::browser {

// Feeds `event` to App::handle and executes the returned actions. Re-entrant calls (an action
// whose execution produces an event synchronously) are queued and handled in order.
void dispatch(Event event);
// What the page shows now (App::view()): toggles read their current state from it.
const View& current_view();

}  // namespace peerline::browser
