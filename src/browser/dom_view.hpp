// The page: draws App::view() into the DOM with textContent, attributes and createElement only
// (never innerHTML: names come from peers), and turns clicks into intents.
#pragma once

#include <string>

#include "view.hpp"

namespace peerline::browser::dom_view {

// Finds the page's elements (web/index.html) and wires the buttons. Call once, before render.
void attach(const std::string& self_name);
void render(const View& view);
// Points the <video> elements at the streams the view asks for; cheap when nothing changed.
void show_streams(const View& view);

}  // namespace peerline::browser::dom_view
