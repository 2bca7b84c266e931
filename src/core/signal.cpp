#include "signal.hpp"

#include <optional>

#include "json_fields.hpp"

namespace peerline::signal {
namespace {

using nlohmann::json;

using json_fields::bounded_string;

using json_fields::boolean;

Error bad(const std::string& what) { return make_error("bad-signal", what); }

struct ToJson {
    json operator()(const Offer& m) const {
        json j{{"kind", "offer"}, {"call", m.call}, {"sdp", m.sdp}, {"video", m.video}};
        if (m.data_link) j["link"] = true;
        return j;
    }
    json operator()(const Answer& m) const {
        return json{{"kind", "answer"}, {"call", m.call}, {"sdp", m.sdp}};
    }
    json operator()(const Candidate& m) const {
        // `mid` stays a string ("" for none) for clients before null was allowed.
        json j{{"kind", "candidate"}, {"call", m.call}, {"candidate", m.candidate}, {"mid", m.mid}};
        if (m.mline_index >= 0) j["mline"] = m.mline_index;
        return j;
    }
    json operator()(const Ringing& m) const { return json{{"kind", "ringing"}, {"call", m.call}}; }
    json operator()(const Accepted& m) const { return json{{"kind", "accepted"}, {"call", m.call}}; }
    json operator()(const MediaState& m) const {
        return json{{"kind", "media-state"}, {"call", m.call}, {"muted", m.muted}, {"cameraOff", m.camera_off}, {"screen", m.screen}};
    }
    json operator()(const Hangup& m) const {
        return json{{"kind", "hangup"}, {"call", m.call}, {"reason", m.reason}};
    }
    json operator()(const LinkRequest& m) const { return json{{"kind", "link-request"}, {"call", m.call}}; }
    json operator()(const Refused& m) const {
        return json{{"kind", "refused"}, {"call", m.call}, {"reason", m.reason}};
    }
};

// A field that may be absent or null; present, it must be a string of at most `max` bytes.
// nullopt: present and unusable.
std::optional<std::string> optional_string(const json& object, const char* key, std::size_t max) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::string();
    return bounded_string(object, key, max);
}

Result<Payload> parse_candidate(const json& data, const std::string& call) {
    auto candidate = bounded_string(data, "candidate", kMaxCandidateBytes);
    if (!candidate) return bad("`candidate` needs a `candidate` string of at most 1024 bytes");
    auto mid = optional_string(data, "mid", kMaxMidBytes);
    if (!mid) return bad("a candidate's `mid` must be a string of at most 64 bytes, or null");
    int mline = -1;
    auto index = data.find("mline");
    if (index != data.end() && !index->is_null()) {
        if (!index->is_number_integer() || index->get<long long>() < 0 || index->get<long long>() > kMaxMline) {
            return bad("a candidate's `mline` must be an integer in 0..1024, or null");
        }
        mline = static_cast<int>(index->get<long long>());
    }
    // RTCIceCandidateInit: a candidate names its section by mid or by index (end-of-candidates,
    // the empty candidate, needs neither).
    if (!candidate->empty() && mid->empty() && mline < 0) return bad("a candidate needs a `mid` or an `mline`");
    return Payload{Candidate{call, *candidate, *mid, mline}};
}

}  // namespace

std::string readable_call(const json& data) {
    return data.is_object() ? bounded_string(data, "call", kMaxCallBytes).value_or("") : "";
}

Result<Payload> parse(const json& data) {
    if (!data.is_object()) return bad("signal data must be an object");
    auto kind = bounded_string(data, "kind", kMaxKindBytes);
    if (kind && *kind == "refused") {
        return Payload{Refused{readable_call(data), bounded_string(data, "reason", kMaxReasonBytes).value_or("")}};
    }
    auto call = bounded_string(data, "call", kMaxCallBytes);
    if (!kind || !call || call->empty()) {
        return bad("signal data needs `kind` (at most 32 bytes) and `call` (1-128 bytes)");
    }

    if (*kind == "offer" || *kind == "answer") {
        auto sdp = bounded_string(data, "sdp", kMaxSdpBytes);
        if (!sdp || sdp->empty()) return bad("`" + *kind + "` needs an `sdp` under 48 KiB");
        if (*kind == "offer") {
            return Payload{Offer{*call, *sdp, boolean(data, "video", true), boolean(data, "link", false)}};
        }
        return Payload{Answer{*call, *sdp}};
    }
    if (*kind == "candidate") return parse_candidate(data, *call);
    if (*kind == "ringing") return Payload{Ringing{*call}};
    if (*kind == "accepted") return Payload{Accepted{*call}};
    if (*kind == "link-request") return Payload{LinkRequest{*call}};
    if (*kind == "media-state") {
        return Payload{MediaState{*call, boolean(data, "muted", false), boolean(data, "cameraOff", false),
                                          boolean(data, "screen", false)}};
    }
    if (*kind == "hangup") {
        return Payload{Hangup{*call, bounded_string(data, "reason", 64).value_or("hung-up")}};
    }
    return bad("unknown signal kind `" + *kind + "`");
}

json to_json(const Payload& payload) { return std::visit(ToJson{}, payload); }

const std::string& call_id(const Payload& payload) {
    return std::visit([](const auto& m) -> const std::string& { return m.call; }, payload);
}

}  // namespace peerline::signal
