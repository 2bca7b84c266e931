#include "signal.hpp"

#include <optional>

#include "json_fields.hpp"

namespace peerline::signal {
namespace {

using nlohmann::json;

using json_fields::bounded_string;

bool bool_field(const json& object, const char* key, bool fallback) {
    auto it = object.find(key);
    return it != object.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

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
        return json{{"kind", "candidate"}, {"call", m.call},          {"candidate", m.candidate},
                    {"mid", m.mid},        {"mline", m.mline_index}};
    }
    json operator()(const Ringing& m) const { return json{{"kind", "ringing"}, {"call", m.call}}; }
    json operator()(const Accepted& m) const { return json{{"kind", "accepted"}, {"call", m.call}}; }
    json operator()(const MediaState& m) const {
        return json{{"kind", "media-state"}, {"call", m.call}, {"muted", m.muted}, {"cameraOff", m.camera_off}};
    }
    json operator()(const Hangup& m) const {
        return json{{"kind", "hangup"}, {"call", m.call}, {"reason", m.reason}};
    }
    json operator()(const LinkRequest& m) const { return json{{"kind", "link-request"}, {"call", m.call}}; }
};

}  // namespace

Result<Payload> parse(const json& data) {
    if (!data.is_object()) return bad("signal data must be an object");
    auto kind = bounded_string(data, "kind", 32);
    auto call = bounded_string(data, "call", 128);
    if (!kind || !call || call->empty()) return bad("signal data needs `kind` and `call`");

    if (*kind == "offer" || *kind == "answer") {
        auto sdp = bounded_string(data, "sdp", kMaxSdpBytes);
        if (!sdp || sdp->empty()) return bad("`" + *kind + "` needs an `sdp` under 48 KiB");
        if (*kind == "offer") {
            return Payload{Offer{*call, *sdp, bool_field(data, "video", true), bool_field(data, "link", false)}};
        }
        return Payload{Answer{*call, *sdp}};
    }
    if (*kind == "candidate") {
        auto candidate = bounded_string(data, "candidate", kMaxCandidateBytes);
        auto mid = bounded_string(data, "mid", 64);
        auto mline = data.find("mline");
        if (!candidate || !mid || mline == data.end() || !mline->is_number_integer() ||
            mline->get<long long>() < 0 || mline->get<long long>() > 1024) {
            return bad("`candidate` needs candidate, mid and an mline index in 0..1024");
        }
        return Payload{Candidate{*call, *candidate, *mid, static_cast<int>(mline->get<long long>())}};
    }
    if (*kind == "ringing") return Payload{Ringing{*call}};
    if (*kind == "accepted") return Payload{Accepted{*call}};
    if (*kind == "link-request") return Payload{LinkRequest{*call}};
    if (*kind == "media-state") {
        return Payload{MediaState{*call, bool_field(data, "muted", false), bool_field(data, "cameraOff", false)}};
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
