#include "transceivers.hpp"

#include <map>

#include <emscripten/bind.h>

#include "js.hpp"
#include "peer_connections.hpp"

namespace peerline::browser::transceivers {
namespace {

std::map<int, std::map<std::string, int>> bitrate_caps;  // pc -> kind -> bit/s

std::string lower(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

bool is_function(const val& v) { return v.typeOf().as<std::string>() == "function"; }

// Transceivers of `kind` (the receiver's track always exists and says the kind) not stopped.
std::vector<val> of_kind(const val& connection, const std::string& kind) {
    std::vector<val> found;
    if (connection.isUndefined()) return found;
    Outcome listed = try_call(connection, "getTransceivers", val::array());
    if (!listed.ok) return found;
    const int count = listed.value["length"].as<int>();
    for (int i = 0; i < count; ++i) {
        val t = listed.value[i];
        if (t["currentDirection"].isString() && t["currentDirection"].as<std::string>() == "stopped") continue;
        if (t["receiver"]["track"]["kind"].as<std::string>() == kind) found.push_back(t);
    }
    return found;
}

void cap(int pc, const std::string& kind, int bps) {
    for (val& t : of_kind(peer_connections::connection(pc), kind)) {
        val sender = t["sender"];
        Outcome got = try_call(sender, "getParameters", val::array());
        if (!got.ok) continue;
        val encodings = got.value["encodings"];
        if (encodings.isUndefined() || encodings.isNull() || encodings["length"].as<int>() == 0) continue;
        for (int i = 0; i < encodings["length"].as<int>(); ++i) encodings[i].set("maxBitrate", bps);
        Outcome set = try_call(sender, "setParameters", array_of(got.value));
        // A concurrent setParameters rejects with InvalidStateError; the next apply retries.
        if (set.ok) set.value.call<void>("catch", callback("onTransceiverIgnored"));
    }
}

void on_ignored(val) {}

}  // namespace

void set_codec_preferences(int pc, const std::string& kind, const std::vector<std::string>& mime_order) {
    val receiver = val::global("RTCRtpReceiver");
    if (receiver.isUndefined() || !is_function(receiver["getCapabilities"])) return;
    val capabilities = receiver.call<val>("getCapabilities", text(kind));
    if (capabilities.isNull() || capabilities.isUndefined()) return;
    val codecs = capabilities["codecs"];
    const int count = codecs["length"].as<int>();
    std::vector<bool> taken(count, false);
    val ordered = val::array();
    for (const std::string& mime : mime_order) {
        const std::string wanted = lower(mime);
        for (int i = 0; i < count; ++i) {
            if (taken[i] || lower(codecs[i]["mimeType"].as<std::string>()) != wanted) continue;
            ordered.call<void>("push", codecs[i]);
            taken[i] = true;
        }
    }
    for (int i = 0; i < count; ++i) {
        if (!taken[i]) ordered.call<void>("push", codecs[i]);
    }
    for (val& t : of_kind(peer_connections::connection(pc), kind)) {
        if (!is_function(t["setCodecPreferences"])) continue;
        try_call(t, "setCodecPreferences", array_of(ordered));  // a refusal keeps the browser's order
    }
}

void set_max_bitrate(int pc, const std::string& kind, int max_bitrate_bps) {
    if (max_bitrate_bps <= 0) return;
    bitrate_caps[pc][kind] = max_bitrate_bps;
    cap(pc, kind, max_bitrate_bps);
}

void apply_bitrates(int pc) {
    auto found = bitrate_caps.find(pc);
    if (found == bitrate_caps.end()) return;
    for (const auto& [kind, bps] : found->second) cap(pc, kind, bps);
}

void forget(int pc) { bitrate_caps.erase(pc); }

val replace_track(const val& track) {
    val promises = val::array();
    const std::string kind = track["kind"].as<std::string>();
    val connections = peer_connections::all();
    for (int c = 0; c < connections["length"].as<int>(); ++c) {
        for (val& t : of_kind(connections[c], kind)) {
            val sender = t["sender"];
            const bool sending = !sender["track"].isNull() ||
                                 t["direction"].as<std::string>() == "sendrecv" ||
                                 t["direction"].as<std::string>() == "sendonly";
            if (!sending) continue;
            Outcome replaced = try_call(sender, "replaceTrack", array_of(track));
            promises.call<void>("push", replaced.ok ? replaced.value
                                                    : val::global("Promise").call<val>("reject", text(replaced.error)));
        }
    }
    return promises;
}

EMSCRIPTEN_BINDINGS(peerline_transceivers) {
    emscripten::function("onTransceiverIgnored", &on_ignored);
}

}  // namespace peerline::browser::transceivers
