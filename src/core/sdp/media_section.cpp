#include "sdp/media_section.hpp"

#include <array>

#include "sdp/attributes.hpp"
#include "sdp/limits.hpp"
#include "sdp/text.hpp"

namespace peerline::sdp {

Error syntax_error(std::size_t line_number, const std::string& reason) {
    return make_error("sdp-syntax", "line " + std::to_string(line_number) + ": " + reason);
}

namespace {

struct Rtpmap {
    std::string_view name;
    std::uint32_t clock_rate;
    std::uint16_t channels;
};

// The RTP payload-format attributes of a section, gathered in one pass over its lines before
// the codecs are assembled in m= line order. Arrays indexed by payload type keep this free of
// per-type allocations and of rescanning lines; views point into the section's text.
struct PayloadLines {
    std::array<std::uint8_t, kMaxFormatsPerSection> format_types;  // of the m= line, when RTP
    std::array<std::int16_t, 128> rtpmap_line;  // index into the section's lines, or -1
    std::array<Rtpmap, 128> rtpmap;             // parsed, where rtpmap_line >= 0
    std::array<std::int16_t, 128> fmtp_line;
    // rtcp-fb values in line order, chained per payload type ([128] chains "*") so that each
    // codec collects its own without scanning all of them.
    struct Feedback {
        std::int16_t next;
        std::string_view value;
    };
    std::vector<Feedback> feedback;
    std::array<std::int16_t, 129> first_feedback;
    std::array<std::int16_t, 129> last_feedback;
    std::array<std::uint16_t, 129> feedback_count;
    std::size_t current_line = 0;

    PayloadLines() {
        rtpmap_line.fill(-1);
        fmtp_line.fill(-1);
        first_feedback.fill(-1);
        last_feedback.fill(-1);
        feedback_count.fill(0);
    }
    void add_feedback(std::size_t chain, std::string_view value) {
        const auto index = static_cast<std::int16_t>(feedback.size());
        feedback.push_back({-1, value});
        if (last_feedback[chain] >= 0) feedback[static_cast<std::size_t>(last_feedback[chain])].next = index;
        else first_feedback[chain] = index;
        last_feedback[chain] = index;
        ++feedback_count[chain];
    }
    // The feedback of one payload type and of "*", merged back into line order.
    void collect_feedback(std::uint8_t pt, std::vector<std::string_view>& out) const {
        const std::size_t total = feedback_count[pt] + feedback_count[128];
        if (total == 0) return;
        out.reserve(total);
        std::int16_t own = first_feedback[pt], any = first_feedback[128];
        while (own >= 0 || any >= 0) {
            std::int16_t& next = (any < 0 || (own >= 0 && own < any)) ? own : any;
            const Feedback& entry = feedback[static_cast<std::size_t>(next)];
            out.push_back(entry.value);
            next = entry.next;
        }
    }
};

// Static payload types that may appear without a=rtpmap (RFC 3551 §6).
Rtpmap static_rtpmap(std::uint8_t pt) {
    switch (pt) {
        case 0: return {"PCMU", 8000, 1};
        case 3: return {"GSM", 8000, 1};
        case 8: return {"PCMA", 8000, 1};
        case 9: return {"G722", 8000, 1};
        case 13: return {"CN", 8000, 1};
        case 18: return {"G729", 8000, 1};
        default: return {{}, 0, 0};
    }
}

std::optional<std::uint8_t> payload_type(std::string_view s) {
    const auto pt = text::parse_uint(s, 127);
    if (!pt) return std::nullopt;
    return static_cast<std::uint8_t>(*pt);
}

// m=<media> <port>[/<number of ports>] <proto> <fmt> ... (RFC 8866 §5.14)
std::optional<std::string> parse_media_line(MediaSection& s, PayloadLines& p, std::string_view value) {
    const std::size_t count = text::count_fields(value, ' ');
    if (count < 4) return "m= line needs \"<media> <port> <proto> <format> ...\"";
    if (count - 3 > kMaxFormatsPerSection) return "m= line lists more than 128 formats";
    text::Fields fields(value, ' ');
    fields.next(s.media);
    if (s.media == "audio") s.kind = MediaKind::audio;
    else if (s.media == "video") s.kind = MediaKind::video;
    else if (s.media == "application") s.kind = MediaKind::application;
    else s.kind = MediaKind::other;
    if (s.media.empty()) return "m= line has an empty media type";

    std::string_view port;
    fields.next(port);
    const std::size_t slash = text::find(port, '/');
    if (slash != std::string_view::npos) {
        const auto ports = text::parse_uint(port.substr(slash + 1), 65535);
        if (!ports) return "m= port count is not a number";
        s.port_count = static_cast<std::uint16_t>(*ports);
        port = port.substr(0, slash);
    }
    const auto number = text::parse_uint(port, 65535);
    if (!number) return "m= port must be a number 0-65535";
    s.port = static_cast<std::uint16_t>(*number);
    fields.next(s.protocol);
    if (s.protocol.empty()) return "m= line has an empty protocol";

    const bool rtp = s.protocol.find("RTP/") != std::string_view::npos;
    s.formats.reserve(count - 3);
    std::string_view format;
    while (fields.next(format)) {
        if (format.empty()) return "m= line has an empty format";
        if (rtp) {
            const auto pt = payload_type(format);
            if (!pt) return "RTP format \"" + std::string(format) + "\" is not a payload type 0-127";
            p.format_types[s.formats.size()] = *pt;
        }
        s.formats.push_back(format);
    }
    return std::nullopt;
}

// a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>] (RFC 8866 §6.6)
std::optional<std::string> parse_rtpmap(std::string_view value, std::uint8_t* pt_out, Rtpmap* out) {
    const std::size_t space = text::find(value, ' ');
    const auto pt = payload_type(value.substr(0, space));
    if (!pt || space == std::string_view::npos) return "a=rtpmap needs \"<payload type 0-127> <name>/<rate>\"";
    std::string_view encoding = value.substr(space + 1);
    const std::size_t slash1 = text::find(encoding, '/');
    const std::size_t slash2 = slash1 == std::string_view::npos ? slash1 : text::find(encoding, '/', slash1 + 1);
    if (slash1 == 0 || slash1 == std::string_view::npos || (slash2 != std::string_view::npos && text::find(encoding, '/', slash2 + 1) != std::string_view::npos))
        return "a=rtpmap encoding must be <name>/<rate>[/<channels>]";
    const auto rate = text::parse_uint(encoding.substr(slash1 + 1, slash2 == std::string_view::npos ? slash2 : slash2 - slash1 - 1), 0xFFFFFFFFu);
    if (!rate || *rate == 0) return "a=rtpmap clock rate is not a positive number";
    std::uint16_t channels = 0;
    if (slash2 != std::string_view::npos) {
        const auto count = text::parse_uint(encoding.substr(slash2 + 1), 255);
        if (!count || *count == 0) return "a=rtpmap channel count must be a number 1-255";
        channels = static_cast<std::uint16_t>(*count);
    }
    *pt_out = *pt;
    *out = Rtpmap{encoding.substr(0, slash1), static_cast<std::uint32_t>(*rate), channels};
    return std::nullopt;
}

std::optional<std::string> parse_source(MediaSection& s, std::string_view value) {
    const std::size_t space = text::find(value, ' ');
    const auto ssrc = text::parse_uint(value.substr(0, space), 0xFFFFFFFFu);
    if (!ssrc || space == std::string_view::npos) return "a=ssrc needs \"<ssrc 0-4294967295> <attribute>[:<value>]\"";
    const auto nv = text::split_attribute(value.substr(space + 1));
    if (nv.name.empty()) return "a=ssrc attribute name is empty";
    s.sources.push_back({static_cast<std::uint32_t>(*ssrc), nv.name, nv.value.value_or("")});
    return std::nullopt;
}

std::optional<std::string> parse_source_group(MediaSection& s, std::string_view value) {
    const std::size_t count = text::count_fields(value, ' ');
    text::Fields fields(value, ' ');
    SourceGroup g;
    fields.next(g.semantics);
    if (count < 2 || g.semantics.empty()) return "a=ssrc-group needs \"<semantics> <ssrc> ...\"";
    g.ssrcs.reserve(count - 1);
    std::string_view member;
    while (fields.next(member)) {
        const auto ssrc = text::parse_uint(member, 0xFFFFFFFFu);
        if (!ssrc) return "a=ssrc-group member is not an ssrc number";
        g.ssrcs.push_back(static_cast<std::uint32_t>(*ssrc));
    }
    s.source_groups.push_back(std::move(g));
    return std::nullopt;
}

std::optional<std::string> parse_simulcast(MediaSection& s, std::string_view value) {
    // a=simulcast:<dir> <list> [<dir> <list>] (RFC 8853 §5.1)
    const std::size_t count = text::count_fields(value, ' ');
    if (count != 2 && count != 4) return "a=simulcast needs \"send|recv <streams>\"";
    text::Fields fields(value, ' ');
    Simulcast sim;
    std::string_view direction, streams;
    while (fields.next(direction) && fields.next(streams)) {
        if (streams.empty()) return "a=simulcast stream list is empty";
        if (direction == "send") sim.send = streams;
        else if (direction == "recv") sim.recv = streams;
        else return "a=simulcast direction must be send or recv";
    }
    s.simulcast = sim;
    return std::nullopt;
}

std::optional<std::string> parse_msid(MediaSection& s, std::string_view value) {
    const std::size_t count = text::count_fields(value, ' ');
    const std::size_t space = text::find(value, ' ');
    const std::string_view stream = value.substr(0, space);
    if (count > 2 || stream.empty()) return "a=msid needs \"<stream id> [<track id>]\"";
    s.msids.push_back({stream, count == 2 ? value.substr(space + 1) : std::string_view()});
    return std::nullopt;
}

std::optional<std::string> parse_rid(MediaSection& s, std::string_view value) {
    text::Fields fields(value, ' ');
    Rid rid;
    fields.next(rid.id);
    const bool has_direction = fields.next(rid.direction);
    if (!has_direction || rid.id.empty() || (rid.direction != "send" && rid.direction != "recv"))
        return "a=rid needs \"<id> send|recv [<restrictions>]\"";
    fields.next(rid.restrictions);  // the third field only, as written; later ones are ignored
    s.rids.push_back(rid);
    return std::nullopt;
}

template <typename T>
std::optional<std::string> take(std::optional<T>& out, attributes::Parsed<T>&& parsed) {
    if (const auto* why = attributes::problem(parsed)) return *why;
    out = std::get<T>(std::move(parsed));
    return std::nullopt;
}

std::optional<std::string> apply_attribute(MediaSection& s, PayloadLines& p, std::string_view attribute) {
    const auto name_value = text::split_attribute(attribute);
    const std::string_view name = name_value.name;
    const std::string_view value = name_value.value.value_or("");
    if (!name_value.value) {
        if (const auto dir = attributes::direction(name)) s.direction = *dir;
        else if (name == "rtcp-mux") s.rtcp_mux = true;
        else if (name == "rtcp-rsize") s.rtcp_rsize = true;
        else if (name == "bundle-only") s.bundle_only = true;
        else if (name == "end-of-candidates") s.end_of_candidates = true;
        return std::nullopt;  // any other flag: kept verbatim in lines
    }
    if (name == "mid") {
        if (value.empty()) return "a=mid is empty";
        s.mid = value;
    } else if (name == "ice-ufrag") {
        s.ice_ufrag = value;
    } else if (name == "ice-pwd") {
        s.ice_pwd = value;
    } else if (name == "ice-options") {
        text::append_words(value, s.ice_options);
    } else if (name == "fingerprint") {
        return take(s.fingerprint, attributes::fingerprint(value, s.text));
    } else if (name == "setup") {
        return take(s.setup, attributes::setup(value));
    } else if (name == "extmap") {
        std::optional<Extmap> e;
        if (auto why = take(e, attributes::extmap(value))) return why;
        s.extmaps.push_back(*e);
    } else if (name == "rtpmap") {
        std::uint8_t pt = 0;
        Rtpmap map;
        if (auto why = parse_rtpmap(value, &pt, &map)) return why;
        p.rtpmap_line[pt] = static_cast<std::int16_t>(p.current_line);  // the last one counts
        p.rtpmap[pt] = map;
    } else if (name == "fmtp") {
        const std::size_t space = text::find(value, ' ');
        const auto pt = payload_type(value.substr(0, space));
        if (!pt) return "a=fmtp needs \"<payload type 0-127> <parameters>\"";
        p.fmtp_line[*pt] = static_cast<std::int16_t>(p.current_line);
    } else if (name == "rtcp-fb") {
        const std::size_t space = text::find(value, ' ');
        if (space == std::string_view::npos || space + 1 == value.size()) return "a=rtcp-fb needs \"<payload type|*> <feedback>\"";
        std::size_t chain = 128;  // "*"
        if (value.substr(0, space) != "*") {
            const auto parsed = payload_type(value.substr(0, space));
            if (!parsed) return "a=rtcp-fb payload type must be * or a number 0-127";
            chain = *parsed;
        }
        p.add_feedback(chain, value.substr(space + 1));
    } else if (name == "ssrc") {
        return parse_source(s, value);
    } else if (name == "ssrc-group") {
        return parse_source_group(s, value);
    } else if (name == "msid") {
        return parse_msid(s, value);
    } else if (name == "rid") {
        return parse_rid(s, value);
    } else if (name == "simulcast") {
        return parse_simulcast(s, value);
    } else if (name == "sctp-port") {
        const auto port = text::parse_uint(value, 65535);
        if (!port) return "a=sctp-port must be a number 0-65535";
        s.sctp_port = static_cast<std::uint16_t>(*port);
    } else if (name == "max-message-size") {
        const auto size = text::parse_uint(value, 0xFFFFFFFFFFFFull);
        if (!size) return "a=max-message-size must be a number";
        s.max_message_size = *size;
    } else if (name == "candidate") {
        auto candidate = parse_candidate(attribute);
        if (!candidate) return "a=candidate " + candidate.error().message;
        s.candidates.push_back(std::move(candidate).value());
    }
    return std::nullopt;  // any other attribute: kept verbatim in lines
}

}  // namespace

Result<bool> build_media_section(MediaSection& s) {
    const std::vector<Line>& lines = s.lines;
    const std::size_t first_line = s.first_line;
    if (lines.size() > 0x7FFF) return syntax_error(first_line, "media section has too many lines");
    PayloadLines payloads;
    payloads.feedback.reserve(lines.size());  // an upper bound: one allocation
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const Line& line = lines[i];
        payloads.current_line = i;
        std::optional<std::string> why;
        if (i == 0) {
            why = parse_media_line(s, payloads, line.value);
        } else if (line.type == 'a') {
            why = apply_attribute(s, payloads, line.value);
        } else if (line.type == 'c') {
            why = take(s.connection, attributes::connection(line.value));
        } else if (line.type == 'b') {
            std::optional<Bandwidth> b;
            why = take(b, attributes::bandwidth(line.value));
            if (b) s.bandwidths.push_back(*b);
        }
        if (why) return syntax_error(first_line + i, *why);
    }
    if (s.protocol.find("RTP/") != std::string_view::npos) {
        s.codecs.reserve(s.formats.size());
        for (std::size_t f = 0; f < s.formats.size(); ++f) {
            const std::uint8_t pt = payloads.format_types[f];
            const Rtpmap map = payloads.rtpmap_line[pt] >= 0 ? payloads.rtpmap[pt] : static_rtpmap(pt);
            Codec& c = s.codecs.emplace_back();
            c.payload_type = pt;
            c.name = map.name;
            c.clock_rate = map.clock_rate;
            c.channels = map.channels;
            if (payloads.fmtp_line[pt] >= 0) {
                const std::string_view value = lines[static_cast<std::size_t>(payloads.fmtp_line[pt])].value;
                const std::size_t space = text::find(value, ' ');
                if (space != std::string_view::npos) c.fmtp = value.substr(space + 1);
            }
            payloads.collect_feedback(pt, c.feedback);
        }
    }
    return true;
}

}  // namespace peerline::sdp
