// "Change name": a small form beside the user's name. The core sanitizes the name and tells the
// server (RenameIntent); the page remembers what the core accepted for the next visit.
#pragma once

namespace peerline::browser::name_editor {

void attach();

}  // namespace peerline::browser::name_editor
