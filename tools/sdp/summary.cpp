#include "summary.hpp"

#include <array>
#include <sstream>

#include "sdp/data_channel.hpp"

namespace peerline::sdp_tool {

using namespace peerline::sdp;

namespace {

template <typename Text>  // std::string or std::string_view
std::string join(const std::vector<Text>& items, const char* separator) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += separator;
        out.append(item.data(), item.size());
    }
    return out;
}

std::string encoding(const Codec& c) {
    std::string out = std::to_string(c.payload_type) + ' ' + std::string(c.name) + '/' + std::to_string(c.clock_rate);
    if (c.channels) out += '/' + std::to_string(c.channels);
    return out;
}

// "2 host (udp 2, tcp 2), 1 srflx"
std::string candidates_by_type(const std::vector<Candidate>& candidates) {
    std::string out;
    for (auto type : {CandidateType::host, CandidateType::srflx, CandidateType::prflx, CandidateType::relay}) {
        int udp = 0, tcp = 0;
        for (const auto& c : candidates) {
            if (c.type != type) continue;
            (c.is_tcp() ? tcp : udp)++;
        }
        if (udp + tcp == 0) continue;
        out += (out.empty() ? "" : ", ") + std::to_string(udp + tcp) + ' ' + to_string(type) + " (udp " +
               std::to_string(udp) + ", tcp " + std::to_string(tcp) + ")";
    }
    return out.empty() ? "none" : out;
}

nlohmann::json candidate_json(const Candidate& c) {
    nlohmann::json j = {{"foundation", c.foundation}, {"component", c.component}, {"transport", c.transport},
                        {"priority", c.priority},     {"address", c.address},     {"port", c.port},
                        {"type", to_string(c.type)}};
    if (c.related_address) j["relatedAddress"] = *c.related_address;
    if (c.related_port) j["relatedPort"] = *c.related_port;
    if (c.tcp_type) j["tcpType"] = to_string(*c.tcp_type);
    for (const auto& [name, value] : c.extensions) j["extensions"][name] = value;
    return j;
}

}  // namespace

std::string readable_summary(const Description& d) {
    std::ostringstream out;
    out << "session " << d.origin.session_id << " version " << d.origin.session_version;
    if (const auto* bundle = d.bundle()) out << ", BUNDLE " << join(bundle->mids, " ");
    out << '\n';
    for (std::size_t i = 0; i < d.media.size(); ++i) {
        const MediaSection& s = d.media[i];
        out << "\n" << s.media << " (section " << i + 1 << ", line " << s.first_line << ")";
        if (!s.mid.empty()) out << " mid " << s.mid;
        if (s.is_rejected()) { out << ": rejected (port 0)\n"; continue; }
        out << ": " << to_string(s.direction) << ", " << s.protocol << '\n';
        const auto role = d.setup_of(s);
        const auto* fingerprint = d.fingerprint_of(s);
        out << "  DTLS role: " << (role ? to_string(*role) : "unspecified");
        if (fingerprint) out << ", fingerprint " << fingerprint->algorithm;
        out << "\n  ICE: ufrag " << (d.ice_ufrag_of(s).empty() ? "(none)" : d.ice_ufrag_of(s)) << "; candidates: "
            << candidates_by_type(s.candidates) << (s.end_of_candidates ? "; end-of-candidates" : "") << '\n';
        for (const auto& c : s.codecs) {
            out << "  " << encoding(c);
            if (!c.fmtp.empty()) out << "  " << c.fmtp;
            if (!c.feedback.empty()) out << "  [" << join(c.feedback, ", ") << "]";
            out << '\n';
        }
        for (const auto& b : s.bandwidths) out << "  bandwidth " << b.type << ' ' << b.value << '\n';
        if (!s.rids.empty()) {
            std::vector<std::string> rids;
            for (const auto& r : s.rids) rids.push_back(std::string(r.id) + " " + std::string(r.direction));
            out << "  simulcast: " << join(rids, ", ") << '\n';
        }
        if (s.kind == MediaKind::application) {
            out << "  sctp-port " << (s.sctp_port ? std::to_string(*s.sctp_port) : "(default 5000)") << ", max-message-size "
                << (s.max_message_size ? std::to_string(*s.max_message_size) : "(default 65536)") << '\n';
        }
    }
    return out.str();
}

nlohmann::json json_summary(const Description& d) {
    nlohmann::json j;
    j["origin"] = {{"username", d.origin.username}, {"sessionId", d.origin.session_id}, {"sessionVersion", d.origin.session_version}};
    if (const auto* bundle = d.bundle()) j["bundle"] = bundle->mids;
    j["media"] = nlohmann::json::array();
    for (const auto& s : d.media) {
        nlohmann::json m = {{"kind", s.media}, {"line", s.first_line}, {"mid", s.mid}, {"port", s.port},
                            {"protocol", s.protocol}, {"direction", to_string(s.direction)}, {"rejected", s.is_rejected()}};
        if (const auto role = d.setup_of(s)) m["dtlsRole"] = to_string(*role);
        if (const auto* fp = d.fingerprint_of(s)) m["fingerprint"] = {{"algorithm", fp->algorithm}, {"value", fp->value}};
        m["iceUfrag"] = d.ice_ufrag_of(s);
        m["codecs"] = nlohmann::json::array();
        for (const auto& c : s.codecs) {
            m["codecs"].push_back({{"payloadType", c.payload_type}, {"name", c.name}, {"clockRate", c.clock_rate},
                                   {"channels", c.channels}, {"fmtp", c.fmtp}, {"feedback", c.feedback}});
        }
        m["candidates"] = nlohmann::json::array();
        for (const auto& c : s.candidates) m["candidates"].push_back(candidate_json(c));
        m["endOfCandidates"] = s.end_of_candidates;
        for (const auto& b : s.bandwidths) m["bandwidth"][b.type] = b.value;
        for (const auto& r : s.rids) m["rids"].push_back({{"id", r.id}, {"direction", r.direction}});
        if (s.kind == MediaKind::application) {
            if (s.sctp_port) m["sctpPort"] = *s.sctp_port;
            if (s.max_message_size) m["maxMessageSize"] = *s.max_message_size;
        }
        j["media"].push_back(std::move(m));
    }
    if (const auto data = data_channel_transport(d)) {
        j["dataChannel"] = {{"mid", data->mid}, {"sctpPort", data->sctp_port}, {"maxMessageSize", data->max_message_size}};
    }
    return j;
}

}  // namespace peerline::sdp_tool
