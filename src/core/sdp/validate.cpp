#include "sdp/validate.hpp"

#include "sdp/attributes.hpp"
#include "sdp/policy.hpp"

namespace peerline::sdp {

Capabilities capabilities_of(const Description& local) {
    Capabilities caps;
    for (const auto& section : local.media) {
        auto& into = section.kind == MediaKind::audio ? caps.audio : caps.video;
        if (section.kind != MediaKind::audio && section.kind != MediaKind::video) continue;
        caps.text.share(section.text);
        for (const auto& c : section.codecs) {
            bool known = false;
            for (const auto& have : into) known = known || (same_format(have, c));
            if (!known) into.push_back(c);
        }
    }
    return caps;
}

namespace {

std::string describe(const MediaSection& s, std::size_t index) {
    return "media section " + std::to_string(index + 1) + " (" + std::string(s.media) +
           (s.mid.empty() ? "" : ", mid " + std::string(s.mid)) + ")";
}

bool is_supported_protocol(const MediaSection& s) {
    if (s.is_rtp()) {
        // JSEP §5.1.3: accept any of the SAVP(F) profiles over DTLS; plain RTP/AVP has no keys.
        return s.protocol == "UDP/TLS/RTP/SAVPF" || s.protocol == "TCP/DTLS/RTP/SAVPF" ||
               s.protocol == "UDP/TLS/RTP/SAVP" || s.protocol == "TCP/DTLS/RTP/SAVP" || s.protocol == "RTP/SAVPF";
    }
    if (s.kind == MediaKind::application) {
        return s.protocol == "UDP/DTLS/SCTP" || s.protocol == "TCP/DTLS/SCTP" || s.protocol == "DTLS/SCTP";
    }
    return false;
}

std::string codec_names(const std::vector<Codec>& codecs) {
    std::string out;
    for (const auto& c : codecs) {
        if (c.name.empty() || out.find(c.name) != std::string::npos) continue;
        out += out.empty() ? "" : ", ";
        out += c.name;
    }
    return out.empty() ? "none" : out;
}

}  // namespace

Result<bool> check_remote(const Description& remote, const Capabilities& local) {
    bool any_usable = false;
    for (std::size_t i = 0; i < remote.media.size(); ++i) {
        const MediaSection& s = remote.media[i];
        if (s.is_rejected()) continue;
        any_usable = true;
        if (!is_supported_protocol(s))
            return make_error(errors::kUnsupportedProtocol,
                              "The other side's " + describe(s, i) + " uses \"" + std::string(s.protocol) +
                                  "\", which browsers cannot use for a call (it needs UDP/TLS/RTP/SAVPF for media "
                                  "or UDP/DTLS/SCTP for data).");
        if (!remote.fingerprint_of(s))
            return make_error(errors::kMissingFingerprint,
                              "The other side's " + describe(s, i) +
                                  " has no DTLS fingerprint, so the connection could not be encrypted.");
        const std::string_view ufrag = remote.ice_ufrag_of(s);
        const std::string_view pwd = remote.ice_pwd_of(s);
        if (ufrag.empty() || pwd.empty())
            return make_error(errors::kMissingIceCredentials,
                              "The other side's " + describe(s, i) + " has no ICE username or password.");
        if (auto why = attributes::ice_ufrag_problem(ufrag))
            return make_error(errors::kMissingIceCredentials, "The other side's " + describe(s, i) + ": " + *why + ".");
        if (auto why = attributes::ice_pwd_problem(pwd))
            return make_error(errors::kMissingIceCredentials, "The other side's " + describe(s, i) + ": " + *why + ".");
        if (s.kind == MediaKind::audio) {
            bool common = false;
            for (const auto& theirs : s.codecs) {
                if (is_repair_format(theirs)) continue;
                for (const auto& mine : local.audio) common = common || same_format(mine, theirs);
            }
            if (!common)
                return make_error(errors::kNoCommonAudioCodec,
                                  "No common audio codec: the other side offers " + codec_names(s.codecs) +
                                      "; this browser speaks " + codec_names(local.audio) + ".");
        }
    }
    if (!any_usable) return make_error(errors::kNoMedia, "The other side's description has no usable media or data section.");
    return true;
}

Result<Description> validate_remote(std::string_view text, const Capabilities& local) {
    auto parsed = parse(text);
    if (!parsed) return parsed.error();
    auto checked = check_remote(parsed.value(), local);
    if (!checked) return checked.error();
    return parsed;
}

}  // namespace peerline::sdp
