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
    bool present = false;
    std::string name;
    std::uint32_t clock_rate = 0;
    std::uint16_t channels = 0;
};

// The RTP payload-format lines of a section, gathered before the codecs are assembled in m=
// line order. Views point into the section's lines, which outlive this; small fixed arrays
// keep parsing free of per-payload-type allocations.
struct PayloadLines {
    std::array<std::int16_t, 128> rtpmap_line;  // index into the section's lines, or -1
    std::array<std::int16_t, 128> fmtp_line;
    std::vector<std::pair<std::int16_t, std::string_view>> feedback;  // payload type (-1 = "*"), value
    std::size_t current_line = 0;
    PayloadLines() {
        rtpmap_line.fill(-1);
        fmtp_line.fill(-1);
    }
};

// Static payload types that may appear without a=rtpmap (RFC 3551 §6).
Rtpmap static_rtpmap(std::uint8_t pt) {
    switch (pt) {
        case 0: return {true, "PCMU", 8000, 1};
        case 3: return {true, "GSM", 8000, 1};
        case 8: return {true, "PCMA", 8000, 1};
        case 9: return {true, "G722", 8000, 1};
        case 13: return {true, "CN", 8000, 1};
        case 18: return {true, "G729", 8000, 1};
        default: return {};
    }
}

std::optional<std::uint8_t> payload_type(std::string_view s) {
    const auto pt = text::parse_uint(s, 127);
    if (!pt) return std::nullopt;
    return static_cast<std::uint8_t>(*pt);
}

// m=<media> <port>[/<number of ports>] <proto> <fmt> ... (RFC 8866 §5.14)
std::optional<std::string> parse_media_line(MediaSection& s, std::string_view value) {
    const auto fields = text::split(value, ' ');
    if (fields.size() < 4) return "m= line needs \"<media> <port> <proto> <format> ...\"";
    if (fields.size() - 3 > kMaxFormatsPerSection) return "m= line lists more than 128 formats";
    s.media = std::string(fields[0]);
    if (s.media == "audio") s.kind = MediaKind::audio;
    else if (s.media == "video") s.kind = MediaKind::video;
    else if (s.media == "application") s.kind = MediaKind::application;
    else s.kind = MediaKind::other;
    if (s.media.empty()) return "m= line has an empty media type";

    std::string_view port = fields[1];
    const std::size_t slash = port.find('/');
    if (slash != std::string_view::npos) {
        const auto count = text::parse_uint(port.substr(slash + 1), 65535);
        if (!count) return "m= port count is not a number";
        s.port_count = static_cast<std::uint16_t>(*count);
        port = port.substr(0, slash);
    }
    const auto number = text::parse_uint(port, 65535);
    if (!number) return "m= port must be a number 0-65535";
    s.port = static_cast<std::uint16_t>(*number);
    if (fields[2].empty()) return "m= line has an empty protocol";
    s.protocol = std::string(fields[2]);

    const bool rtp = s.protocol.find("RTP/") != std::string::npos;
    s.formats.reserve(fields.size() - 3);
    for (std::size_t i = 3; i < fields.size(); ++i) {
        if (fields[i].empty()) return "m= line has an empty format";
        if (rtp && !payload_type(fields[i])) return "RTP format \"" + std::string(fields[i]) + "\" is not a payload type 0-127";
        s.formats.emplace_back(fields[i]);
    }
    return std::nullopt;
}

// a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>] (RFC 8866 §6.6)
std::optional<std::string> parse_rtpmap(std::string_view value, std::uint8_t* pt_out, Rtpmap* out) {
    const std::size_t space = value.find(' ');
    const auto pt = payload_type(value.substr(0, space));
    if (!pt || space == std::string_view::npos) return "a=rtpmap needs \"<payload type 0-127> <name>/<rate>\"";
    std::string_view encoding = value.substr(space + 1);
    const std::size_t slash1 = encoding.find('/');
    const std::size_t slash2 = slash1 == std::string_view::npos ? slash1 : encoding.find('/', slash1 + 1);
    if (slash1 == 0 || slash1 == std::string_view::npos || (slash2 != std::string_view::npos && encoding.find('/', slash2 + 1) != std::string_view::npos))
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
    if (out) *out = Rtpmap{true, std::string(encoding.substr(0, slash1)), static_cast<std::uint32_t>(*rate), channels};
    return std::nullopt;
}

std::optional<std::string> parse_source(MediaSection& s, std::string_view value) {
    const std::size_t space = value.find(' ');
    const auto ssrc = text::parse_uint(value.substr(0, space), 0xFFFFFFFFu);
    if (!ssrc || space == std::string_view::npos) return "a=ssrc needs \"<ssrc 0-4294967295> <attribute>[:<value>]\"";
    const auto nv = text::split_attribute(value.substr(space + 1));
    if (nv.name.empty()) return "a=ssrc attribute name is empty";
    s.sources.push_back({static_cast<std::uint32_t>(*ssrc), std::string(nv.name), std::string(nv.value.value_or(""))});
    return std::nullopt;
}

std::optional<std::string> parse_source_group(MediaSection& s, std::string_view value) {
    const auto fields = text::split(value, ' ');
    if (fields.size() < 2 || fields[0].empty()) return "a=ssrc-group needs \"<semantics> <ssrc> ...\"";
    SourceGroup g{std::string(fields[0]), {}};
    for (std::size_t i = 1; i < fields.size(); ++i) {
        const auto ssrc = text::parse_uint(fields[i], 0xFFFFFFFFu);
        if (!ssrc) return "a=ssrc-group member is not an ssrc number";
        g.ssrcs.push_back(static_cast<std::uint32_t>(*ssrc));
    }
    s.source_groups.push_back(std::move(g));
    return std::nullopt;
}

std::optional<std::string> parse_simulcast(MediaSection& s, std::string_view value) {
    // a=simulcast:<dir> <list> [<dir> <list>] (RFC 8853 §5.1)
    const auto fields = text::split(value, ' ');
    if (fields.size() != 2 && fields.size() != 4) return "a=simulcast needs \"send|recv <streams>\"";
    Simulcast sim;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
        if (fields[i + 1].empty()) return "a=simulcast stream list is empty";
        if (fields[i] == "send") sim.send = std::string(fields[i + 1]);
        else if (fields[i] == "recv") sim.recv = std::string(fields[i + 1]);
        else return "a=simulcast direction must be send or recv";
    }
    s.simulcast = std::move(sim);
    return std::nullopt;
}

template <typename T>
std::optional<std::string> take(std::optional<T>& out, const attributes::Parsed<T>& parsed) {
    if (const auto* why = attributes::problem(parsed)) return *why;
    out = std::get<T>(parsed);
    return std::nullopt;
}

std::optional<std::string> apply_attribute(MediaSection& s, PayloadLines& p, std::string_view attribute) {
    const auto [name, value_or] = text::split_attribute(attribute);
    const std::string_view value = value_or.value_or("");
    if (!value_or) {
        if (const auto dir = attributes::direction(name)) s.direction = *dir;
        else if (name == "rtcp-mux") s.rtcp_mux = true;
        else if (name == "rtcp-rsize") s.rtcp_rsize = true;
        else if (name == "bundle-only") s.bundle_only = true;
        else if (name == "end-of-candidates") s.end_of_candidates = true;
        return std::nullopt;  // any other flag: kept verbatim in lines
    }
    if (name == "mid") {
        if (value.empty()) return "a=mid is empty";
        s.mid = std::string(value);
    } else if (name == "ice-ufrag") {
        s.ice_ufrag = std::string(value);
    } else if (name == "ice-pwd") {
        s.ice_pwd = std::string(value);
    } else if (name == "ice-options") {
        for (auto w : text::words(value)) s.ice_options.emplace_back(w);
    } else if (name == "fingerprint") {
        return take(s.fingerprint, attributes::fingerprint(value));
    } else if (name == "setup") {
        return take(s.setup, attributes::setup(value));
    } else if (name == "extmap") {
        std::optional<Extmap> e;
        if (auto why = take(e, attributes::extmap(value))) return why;
        s.extmaps.push_back(std::move(*e));
    } else if (name == "rtpmap") {
        std::uint8_t pt = 0;
        if (auto why = parse_rtpmap(value, &pt, nullptr)) return why;  // checked now, built per format later
        p.rtpmap_line[pt] = static_cast<std::int16_t>(p.current_line);
    } else if (name == "fmtp") {
        const std::size_t space = value.find(' ');
        const auto pt = payload_type(value.substr(0, space));
        if (!pt) return "a=fmtp needs \"<payload type 0-127> <parameters>\"";
        p.fmtp_line[*pt] = static_cast<std::int16_t>(p.current_line);
    } else if (name == "rtcp-fb") {
        const std::size_t space = value.find(' ');
        if (space == std::string_view::npos || space + 1 == value.size()) return "a=rtcp-fb needs \"<payload type|*> <feedback>\"";
        std::int16_t pt = -1;
        if (value.substr(0, space) != "*") {
            const auto parsed = payload_type(value.substr(0, space));
            if (!parsed) return "a=rtcp-fb payload type must be * or a number 0-127";
            pt = *parsed;
        }
        p.feedback.emplace_back(pt, value.substr(space + 1));
    } else if (name == "ssrc") {
        return parse_source(s, value);
    } else if (name == "ssrc-group") {
        return parse_source_group(s, value);
    } else if (name == "msid") {
        const auto fields = text::split(value, ' ');
        if (fields.size() > 2 || fields[0].empty()) return "a=msid needs \"<stream id> [<track id>]\"";
        s.msids.push_back({std::string(fields[0]), fields.size() == 2 ? std::string(fields[1]) : std::string()});
    } else if (name == "rid") {
        const auto fields = text::split(value, ' ');
        if (fields.size() < 2 || fields[0].empty() || (fields[1] != "send" && fields[1] != "recv"))
            return "a=rid needs \"<id> send|recv [<restrictions>]\"";
        s.rids.push_back({std::string(fields[0]), std::string(fields[1]), fields.size() > 2 ? std::string(fields[2]) : ""});
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

Result<MediaSection> build_media_section(std::vector<Line> lines, std::size_t first_line) {
    if (lines.size() > 0x7FFF) return syntax_error(first_line, "media section has too many lines");
    MediaSection s;
    s.first_line = first_line;
    PayloadLines payloads;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const Line& line = lines[i];
        payloads.current_line = i;
        std::optional<std::string> why;
        if (i == 0) {
            why = parse_media_line(s, line.value);
        } else if (line.type == 'a') {
            why = apply_attribute(s, payloads, line.value);
        } else if (line.type == 'c') {
            why = take(s.connection, attributes::connection(line.value));
        } else if (line.type == 'b') {
            std::optional<Bandwidth> b;
            why = take(b, attributes::bandwidth(line.value));
            if (b) s.bandwidths.push_back(std::move(*b));
        }
        if (why) return syntax_error(first_line + i, *why);
    }
    if (s.protocol.find("RTP/") != std::string::npos) {
        s.codecs.reserve(s.formats.size());
        for (const auto& format : s.formats) {
            const auto pt = *payload_type(format);
            Rtpmap map = static_rtpmap(pt);
            if (payloads.rtpmap_line[pt] >= 0) {
                std::uint8_t ignored = 0;
                const std::string_view value = lines[static_cast<std::size_t>(payloads.rtpmap_line[pt])].value;
                parse_rtpmap(value.substr(7), &ignored, &map);  // after "rtpmap:"; already validated
            }
            Codec c;
            c.payload_type = pt;
            c.name = std::move(map.name);
            c.clock_rate = map.clock_rate;
            c.channels = map.channels;
            if (payloads.fmtp_line[pt] >= 0) {
                const std::string_view value = lines[static_cast<std::size_t>(payloads.fmtp_line[pt])].value;
                const std::size_t space = value.find(' ');
                if (space != std::string_view::npos) c.fmtp = std::string(value.substr(space + 1));
            }
            std::size_t matching = 0;
            for (const auto& entry : payloads.feedback) matching += (entry.first == pt || entry.first < 0);
            c.feedback.reserve(matching);
            for (const auto& [fb_pt, feedback] : payloads.feedback) {
                if (fb_pt == pt || fb_pt < 0) c.feedback.emplace_back(feedback);
            }
            s.codecs.push_back(std::move(c));
        }
    }
    s.lines = std::move(lines);
    return s;
}

}  // namespace peerline::sdp
