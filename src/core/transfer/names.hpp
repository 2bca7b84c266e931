// Text that comes from a peer and ends up on screen or on disk: file names, MIME types, reasons.
// Names are shown with textContent (never as markup) and saved as a download name, so what
// matters here is the file system: no directory part, nothing a file system or a download
// dialog treats specially, a bounded length.
#pragma once

#include <string>
#include <string_view>

namespace peerline::transfer {

// A name safe to save: the part after the last '/' or '\\'; control, bidi-override and
// Windows-forbidden characters (< > : " | ? *) become '_'; invalid UTF-8 becomes '_'; leading
// dots/spaces and trailing dots/spaces go; Windows device names (CON, NUL, COM1, ...) get a '_'
// prefix; at most kMaxNameBytes bytes, cut on a UTF-8 boundary, keeping a short extension;
// "file" if nothing is left. Idempotent: sanitize(sanitize(x)) == sanitize(x).
std::string sanitize_file_name(std::string_view name);

// The receiver refuses an offer whose names a well-behaved sender would not have sent.
inline bool is_clean_file_name(std::string_view name) { return sanitize_file_name(name) == name; }

// The type the received Blob gets. Only types a browser will not run as a document of our
// origin (text/html, image/svg+xml, XML ... could carry script) pass; anything else, and
// anything malformed, is application/octet-stream.
std::string safe_mime(std::string_view mime);

// A reason from the peer, shown as text: control characters become spaces, invalid UTF-8 '?',
// bidi overrides are dropped, at most kMaxReasonBytes bytes on a UTF-8 boundary.
std::string clean_reason(std::string_view reason);

}  // namespace peerline::transfer
