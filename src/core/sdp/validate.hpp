// Refusing a remote description that cannot work, before it reaches the browser, with a
// reason a person can read. Error codes are stable; messages are for people.
#pragma once

#include <string_view>
#include <vector>

#include "result.hpp"
#include "sdp/description.hpp"

namespace peerline::sdp {

namespace errors {
inline constexpr const char* kOversized = "sdp-oversized";
inline constexpr const char* kSyntax = "sdp-syntax";
inline constexpr const char* kNoMedia = "sdp-no-media";
inline constexpr const char* kUnsupportedProtocol = "sdp-unsupported-protocol";
inline constexpr const char* kMissingFingerprint = "sdp-missing-fingerprint";
inline constexpr const char* kMissingIceCredentials = "sdp-missing-ice-credentials";
inline constexpr const char* kNoCommonAudioCodec = "sdp-no-common-audio-codec";
}  // namespace errors

// What this end can receive and send, by kind: the codecs of our own description (or of
// RTCRtpReceiver.getCapabilities, converted by the shell).
struct Capabilities {
    std::vector<Codec> audio;
    std::vector<Codec> video;
    // Keeps the text of the description the codecs came from alive: capabilities outlive it
    // (the call keeps those of its last local description). Codecs a caller writes itself
    // should view string literals or text that lives as long as they do.
    TextStore text;
};
Capabilities capabilities_of(const Description& local);

// Checks, in order: at least one usable section; every usable section uses a DTLS-protected
// WebRTC protocol (RFC 8829 §5.1.2/§5.1.3), has a DTLS fingerprint (RFC 8122) and ICE
// credentials (RFC 8839 §5.4); audio shares at least one codec with `local`.
Result<bool> check_remote(const Description& remote, const Capabilities& local);

// parse() then check_remote(): the one call the core makes on a description from a peer.
Result<Description> validate_remote(std::string_view text, const Capabilities& local);

}  // namespace peerline::sdp
