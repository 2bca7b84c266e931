// The Microphone, Camera and Speaker selects, in the Settings dialog: the browser's devices, the
// core's selection, and SelectDevice when the user picks one.
#pragma once

#include "view.hpp"

namespace peerline::browser::device_picker {

void attach();
void render(const DeviceChoice& choice);

}  // namespace peerline::browser::device_picker
