// Single-key shortcuts while not typing: M mute, V camera, H hang up (or cancel); Escape
// declines a ringing call. A checkbox turns the single-key ones off (WCAG 2.1.4).
#pragma once

namespace peerline::browser::shortcuts {

void attach();

}  // namespace peerline::browser::shortcuts
