// Who this page is: a display name and a device kind, sent in hello.
#pragma once

#include <string>

namespace peerline::browser::identity {

// ?name= from the URL if present, else the name remembered in localStorage, else a new random
// "Adjective Animal" that is remembered for next time. Computed once per page.
std::string display_name();
// Keeps `name` for the next visit (a name the user chose). Silently does nothing where storage
// is disabled.
void remember(const std::string& name);
// "mobile" | "tablet" | "desktop", from the user agent.
std::string device_kind();

}  // namespace peerline::browser::identity
