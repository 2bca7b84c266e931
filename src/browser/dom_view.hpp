// The page: draws App::view() into the DOM with textContent, attributes and createElement only
// (names come from peers: never parsed as markup), and turns clicks and keys into intents. Each
// part of the page has its own file; this one owns the header, the notice, the drawing order.
#pragma once

#include "view.hpp"

namespace peerline::browser::dom_view {

// Finds the page's elements (web/index.html) and wires the controls. Call once, before render.
void attach(const View& initial);
void render(const View& view);
// Points the <video> elements at the streams the view asks for; cheap when nothing changed.
void show_streams(const View& view);

}  // namespace peerline::browser::dom_view
