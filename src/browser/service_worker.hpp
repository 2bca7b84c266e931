// The installable app (issue 19): registers web/sw.js once the page has loaded (so it never
// competes with the first visit's own downloads), turns its "update-ready" message into
// ShellUpdateReady and a refused registration into ShellInstallFailed, and draws the "A new
// version is ready: Reload" banner. Where there is no service worker (plain http to a LAN
// address is not a secure context) nothing happens: the page works as before, online only.
#pragma once

#include "view.hpp"

namespace peerline::browser::service_worker {

void attach();
void render(const View& view);

}  // namespace peerline::browser::service_worker
