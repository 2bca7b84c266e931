// A session description as a typed model (RFC 8866 SDP, as profiled for WebRTC by RFC 8829
// JSEP). The lines as they arrived are the source of truth: serialize() writes them back
// byte for byte, unknown lines included, in order. The typed fields are a view parsed from
// those lines; edits (edit.hpp) rewrite lines and re-derive the view, so the two never disagree.
//
// Lifetime of text: parse() copies the input once into a shared, immutable buffer (TextStore);
// every std::string_view in the model (line values, typed fields, codecs, candidates) points
// into it, or into a piece an edit added. A Description or MediaSection, and every copy of one,
// keeps its text alive, so the views are valid as long as the object they came from (or a
// copy) lives. A value kept beyond that must be copied into a std::string. This is what makes
// parsing cost a handful of allocations instead of one per line and field (docs/sdp.md).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"
#include "sdp/candidate.hpp"

namespace peerline::sdp {

enum class MediaKind { audio, video, application, other };
enum class Direction { sendrecv, sendonly, recvonly, inactive };  // RFC 8866 §6.7
enum class SetupRole { actpass, active, passive, holdconn };     // RFC 4145 §4, RFC 8842

const char* to_string(MediaKind kind);
const char* to_string(Direction direction);
const char* to_string(SetupRole role);

// Owner of the text a description's views point into: the parsed bytes, plus one piece per
// line an edit wrote. Pieces are immutable and shared, so copying a store (with the section or
// description that holds it) is cheap and leaves every view valid.
class TextStore {
public:
    TextStore() = default;
    // Copies `parsed` into the store's first piece; returns a view of that copy.
    std::string_view set_parsed(std::string_view parsed);
    std::string_view parsed() const;
    // Keeps `text` for as long as any copy of this store lives; returns a view of it.
    std::string_view keep(std::string text);
    // Makes this store also keep alive everything `other` keeps.
    void share(const TextStore& other);

private:
    std::vector<std::shared_ptr<const std::string>> pieces_;  // [0] is the parsed text, if any
};

// One "<type>=<value>" line and the end-of-line bytes it had ("\r\n", "\n", "\r", or "" at
// the end). `value` views the owning Description's or MediaSection's TextStore; `eol` views a
// string literal.
struct Line {
    char type = 'a';
    std::string_view value;
    std::string_view eol = "\r\n";
};

struct Origin {  // o= (RFC 8866 §5.2)
    std::string_view username;
    std::string_view session_id;  // digits; kept as text, browsers use up to 64 bits
    std::uint64_t session_version = 0;
    std::string_view net_type;
    std::string_view address_type;
    std::string_view address;
};

struct Timing {  // t= (RFC 8866 §5.9)
    std::uint64_t start = 0;
    std::uint64_t stop = 0;
};

struct Connection {  // c= (RFC 8866 §5.7)
    std::string_view net_type;
    std::string_view address_type;
    std::string_view address;
};

struct Bandwidth {  // b= (RFC 8866 §5.8: AS in kbit/s; RFC 3890: TIAS in bit/s)
    std::string_view type;
    std::uint64_t value = 0;
};

struct Group {  // a=group (RFC 5888 §5; BUNDLE: RFC 9143)
    std::string_view semantics;
    std::vector<std::string_view> mids;
};

struct Fingerprint {  // a=fingerprint (RFC 8122 §5)
    std::string_view algorithm;  // lower case: "sha-256"
    std::string_view value;      // colon-separated hex
};

struct Extmap {  // a=extmap (RFC 8285 §8)
    std::uint16_t id = 0;
    std::optional<Direction> direction;
    std::string_view uri;
    std::string_view attributes;
};

// One RTP payload format: a=rtpmap + a=fmtp + a=rtcp-fb for one payload type (RFC 8866 §6.6,
// §6.15; RFC 4585 §4.2).
struct Codec {
    std::uint8_t payload_type = 0;
    std::string_view name;            // as written: "opus", "VP8", "H264", "rtx"
    std::uint32_t clock_rate = 0;
    std::uint16_t channels = 0;       // 0 when rtpmap gives none (video)
    std::string_view fmtp;            // parameters as written, "" when there is no a=fmtp
    std::vector<std::string_view> feedback;  // rtcp-fb values for this type and for "*"

    // The value of one "name=value" fmtp parameter (names compare case-insensitively).
    std::optional<std::string_view> parameter(std::string_view name) const;
    // For rtx/red/ulpfec: the primary payload type they repair (fmtp apt=), if any.
    std::optional<std::uint8_t> associated_payload_type() const;
};

struct SourceAttribute {  // a=ssrc:<ssrc> <attribute>[:<value>] (RFC 5576 §4.1)
    std::uint32_t ssrc = 0;
    std::string_view attribute;
    std::string_view value;
};

struct SourceGroup {  // a=ssrc-group (RFC 5576 §4.2)
    std::string_view semantics;  // "FID", "SIM"
    std::vector<std::uint32_t> ssrcs;
};

struct Msid {  // a=msid (RFC 8830 §2)
    std::string_view stream;
    std::string_view track;
};

struct Rid {  // a=rid (RFC 8851 §10)
    std::string_view id;
    std::string_view direction;  // "send" or "recv"
    std::string_view restrictions;
};

struct Simulcast {  // a=simulcast (RFC 8853 §5.1): stream lists as written, e.g. "q;h;f"
    std::string_view send;
    std::string_view recv;
};

struct MediaSection {
    MediaKind kind = MediaKind::other;
    std::string_view media;  // the m= token as written
    std::uint16_t port = 0;
    std::optional<std::uint16_t> port_count;
    std::string_view protocol;
    std::vector<std::string_view> formats;  // payload types (RTP) or "webrtc-datachannel"

    std::optional<Connection> connection;
    std::vector<Bandwidth> bandwidths;
    std::string_view mid;
    Direction direction = Direction::sendrecv;  // RFC 8866 §6.7: sendrecv when absent
    bool rtcp_mux = false;
    bool rtcp_rsize = false;
    bool bundle_only = false;
    std::string_view ice_ufrag;
    std::string_view ice_pwd;
    std::vector<std::string_view> ice_options;
    std::optional<Fingerprint> fingerprint;
    std::optional<SetupRole> setup;
    std::vector<Extmap> extmaps;
    std::vector<Codec> codecs;  // in m= line order; formats without rtpmap use RFC 3551 names
    std::vector<SourceAttribute> sources;
    std::vector<SourceGroup> source_groups;
    std::vector<Msid> msids;
    std::vector<Rid> rids;
    std::optional<Simulcast> simulcast;
    std::optional<std::uint16_t> sctp_port;          // RFC 8841 §5
    std::optional<std::uint64_t> max_message_size;   // RFC 8841 §6
    std::vector<Candidate> candidates;
    bool end_of_candidates = false;

    std::vector<Line> lines;     // the m= line first, then every line of the section, verbatim
    std::size_t first_line = 0;  // 1-based line number of the m= line in the parsed text
    TextStore text;              // what the views of this section point into

    bool is_rtp() const { return kind == MediaKind::audio || kind == MediaKind::video; }
    bool is_rejected() const { return port == 0 && !bundle_only; }  // RFC 8829 §5.2.2
    const Codec* codec(std::uint8_t payload_type) const;
};

struct Description {
    Origin origin;
    std::string_view session_name;
    Timing timing;
    std::optional<Connection> connection;
    std::vector<Bandwidth> bandwidths;
    std::vector<Group> groups;
    std::optional<std::string_view> msid_semantic;  // value as written after the colon
    bool extmap_allow_mixed = false;           // RFC 8285 §6
    std::vector<std::string_view> ice_options;
    std::string_view ice_ufrag;  // session-level credentials apply to every section without its own
    std::string_view ice_pwd;
    std::optional<Fingerprint> fingerprint;  // Firefox writes it at session level
    std::optional<SetupRole> setup;
    std::vector<Extmap> extmaps;

    std::vector<Line> lines;  // session-level lines (v= up to the first m=), verbatim
    std::vector<MediaSection> media;
    TextStore text;           // what the views of the session-level fields and lines point into

    const Group* bundle() const;
    // The section whose transport a bundled section shares (RFC 9143 §7), if any.
    const MediaSection* bundle_tagged(const MediaSection& section) const;
    // Media-level value, else the BUNDLE-tagged section's, else the session-level one
    // (RFC 8839 §5.4, RFC 8122 §5, RFC 9143 §7).
    const Fingerprint* fingerprint_of(const MediaSection& section) const;
    std::optional<SetupRole> setup_of(const MediaSection& section) const;
    std::string_view ice_ufrag_of(const MediaSection& section) const;
    std::string_view ice_pwd_of(const MediaSection& section) const;
};

// Parses any byte string into a description or a typed error ("sdp-oversized", "sdp-syntax")
// whose message names the line ("line 12: a=rtpmap: ..."). Never throws; bounded by limits.hpp.
Result<Description> parse(std::string_view text);

// The exact text of the lines; for an unmodified parse result, the bytes that were parsed.
// Runs of lines that still lie in the parsed text in order are copied as one block.
std::string serialize(const Description& description);

}  // namespace peerline::sdp
