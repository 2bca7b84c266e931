// Browser security headers, set on every HTTP response the server writes (issue 18): the page,
// its assets, errors, /healthz, /qr.svg, /metrics. Each directive's reason is in
// docs/decisions.md ("Security headers"); docs/protocol.md lists them. Header-only on purpose:
// the policy is a handful of constants, and http_session.cpp is its one caller.
#pragma once

#include "net.hpp"

namespace peerline::server {

// Nothing inline and no eval: only files of this origin run. 'wasm-unsafe-eval' lets
// WebAssembly compile the two modules (it allows no JS eval; both modules link with
// -sDYNAMIC_EXECUTION=0 so Embind needs no `new Function`). connect-src 'self' covers the
// wasm fetch and ws:/wss: of this origin (CSP3 matches 'self' to the WebSocket schemes); blob:
// reads back the page's own download links (bytes it already holds; the e2e tests check files so).
// img-src data: is the empty favicon (`data:,` in index.html: no /favicon.ico request).
// manifest-src 'self': the web app manifest that makes the page installable (issue 19).
// Media play from MediaStreams (srcObject) and Web Audio buffers, which no directive governs;
// the AudioWorklet module loads under script-src. Downloads of received files are blob: links,
// which CSP does not govern either.
inline constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; "
    "script-src 'self' 'wasm-unsafe-eval'; "
    "style-src 'self'; "
    "img-src 'self' data:; "
    "connect-src 'self' blob:; "
    "manifest-src 'self'; "
    "base-uri 'none'; "
    "form-action 'none'; "
    "frame-ancestors 'none'";

// The powerful features a call uses, to this origin only (no iframe may be delegated them);
// features it never uses, to nobody.
inline constexpr const char* kPermissionsPolicy =
    "camera=(self), microphone=(self), display-capture=(self), fullscreen=(self), "
    "geolocation=(), payment=(), usb=(), serial=(), hid=()";

// One year, this host only: the server owns no subdomains. Browsers ignore it for IP-address
// hosts and over a certificate they did not accept (RFC 6797 §8.1, §8.1.1), so a self-signed
// LAN certificate is not pinned by it.
inline constexpr const char* kStrictTransportSecurity = "max-age=31536000";

template <typename Fields>
void set_security_headers(Fields& headers, bool over_tls) {
    headers.set("Content-Security-Policy", kContentSecurityPolicy);
    headers.set("Permissions-Policy", kPermissionsPolicy);
    // Invite links carry the room id in the URL: no page a link leads to may learn it.
    headers.set("Referrer-Policy", "no-referrer");
    // No other window (an opener or a popup) keeps a handle on this one.
    headers.set("Cross-Origin-Opener-Policy", "same-origin");
    // No other site may embed a response of ours (qr.svg, the wasm, /metrics) as a subresource.
    headers.set("Cross-Origin-Resource-Policy", "same-origin");
    // frame-ancestors 'none' says the same; this is for browsers that predate CSP2.
    headers.set("X-Frame-Options", "DENY");
    headers.set("X-Content-Type-Options", "nosniff");
    if (over_tls) headers.set(http::field::strict_transport_security, kStrictTransportSecurity);
}

}  // namespace peerline::server
