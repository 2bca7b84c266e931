#include "transceivers.hpp"

#include <map>

#include <emscripten/bind.h>

#include "js.hpp"
#include "peer_connections.hpp"
#include "shell.hpp"

namespace peerline::browser::transceivers {
namespace {

// pc -> kind -> the cap in bit/s and whether it reached every sender of that kind. A cap is
// applied once, when the pc first connects (peer_connections.cpp): setParameters runs on
// WebRTC's signaling thread, so applying it when the pc was made queued it ahead of
// createOffer/createAnswer, after every description ahead of ICE (measured: 15-80 ms per call
// setup on a loaded 2-core machine, tools/bench/call/trace.mjs), and after the first one still
// held both main threads 3-6 ms during set-up. Chromium keeps sender parameters across later
// negotiations, so once is enough.
struct Cap {
    int bps = 0;
    bool applied = false;
};
std::map<int, std::map<std::string, Cap>> bitrate_caps;

std::string lower(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

bool is_function(const val& v) { return v.typeOf().as<std::string>() == "function"; }

bool sends(const val& transceiver) {
    const std::string direction = transceiver["direction"].as<std::string>();
    return direction == "sendrecv" || direction == "sendonly";
}

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

// True when every (not stopped) sender of `kind` had encodings to cap.
bool cap(int pc, const std::string& kind, int bps) {
    bool all = true;
    for (val& t : of_kind(peer_connections::connection(pc), kind)) {
        val sender = t["sender"];
        Outcome got = try_call(sender, "getParameters", val::array());
        if (!got.ok) {
            all = false;
            continue;
        }
        val encodings = got.value["encodings"];
        if (encodings.isUndefined() || encodings.isNull() || encodings["length"].as<int>() == 0) {
            all = false;  // a receive-only transceiver, or a browser that fills encodings later
            continue;
        }
        for (int i = 0; i < encodings["length"].as<int>(); ++i) encodings[i].set("maxBitrate", bps);
        Outcome set = try_call(sender, "setParameters", array_of(got.value));
        if (set.ok) {
            set.value.call<void>("catch", callback("onTransceiverIgnored"));
        } else {
            all = false;
        }
    }
    return all;
}

void on_ignored(val) {}

// RTCRtpReceiver.getCapabilities(kind), asked once per kind: the answer never changes within a
// page, and asking goes to WebRTC's threads while a call is being set up.
val receive_capabilities(const std::string& kind) {
    static std::map<std::string, val> known;
    auto found = known.find(kind);
    if (found != known.end()) return found->second;
    val receiver = val::global("RTCRtpReceiver");
    if (receiver.isUndefined() || !is_function(receiver["getCapabilities"])) return val::undefined();
    val capabilities = receiver.call<val>("getCapabilities", text(kind));
    if (capabilities.isNull() || capabilities.isUndefined()) return val::undefined();
    known.emplace(kind, capabilities);
    return capabilities;
}

}  // namespace

void set_codec_preferences(int pc, const std::string& kind, const std::vector<std::string>& mime_order) {
    val capabilities = receive_capabilities(kind);
    if (capabilities.isUndefined()) return;
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
    Cap& c = bitrate_caps[pc][kind];
    // A new value on a live connection applies now; the first one waits for a description.
    const bool live = c.applied && c.bps != max_bitrate_bps;
    c.bps = max_bitrate_bps;
    if (live) c.applied = cap(pc, kind, max_bitrate_bps);
}

void apply_bitrates(int pc) {
    auto found = bitrate_caps.find(pc);
    if (found == bitrate_caps.end()) return;
    for (auto& [kind, c] : found->second) {
        if (!c.applied) c.applied = cap(pc, kind, c.bps);
    }
}

void forget(int pc) { bitrate_caps.erase(pc); }

void clear_senders(const std::string& kind) {
    val connections = peer_connections::all();
    for (int c = 0; c < connections["length"].as<int>(); ++c) {
        for (val& t : of_kind(connections[c], kind)) {
            val sender = t["sender"];
            if (sender["track"].isNull()) continue;
            Outcome cleared = try_call(sender, "replaceTrack", array_of(val::null()));
            if (cleared.ok) cleared.value.call<void>("catch", callback("onTransceiverIgnored"));
        }
    }
}

void stop_sending(int pc, const std::string& kind) {
    for (val& t : of_kind(peer_connections::connection(pc), kind)) {
        if (t["direction"].as<std::string>() == "sendrecv") t.set("direction", val("recvonly"));
    }
}

void attach_local_tracks(int pc, const val& local_stream) {
    if (local_stream.isUndefined()) {
        dispatch(PcOperationFailed{pc, "replaceTrack", "no local media"});
        return;
    }
    val tracks = local_stream.call<val>("getTracks");
    const val connection = peer_connections::connection(pc);
    for (int i = 0; i < tracks["length"].as<int>(); ++i) {
        val track = tracks[i];
        for (val& t : of_kind(connection, track["kind"].as<std::string>())) {
            val sender = t["sender"];
            if (!sender["track"].isNull() || !sends(t)) continue;
            Outcome replaced = try_call(sender, "replaceTrack", array_of(track));
            if (!replaced.ok) {
                dispatch(PcOperationFailed{pc, "replaceTrack", replaced.error});
                return;
            }
            peer_connections::report_rejection(pc, replaced.value, "replaceTrack");
            break;
        }
    }
}

val replace_track(const val& track) {
    val promises = val::array();
    const std::string kind = track["kind"].as<std::string>();
    val connections = peer_connections::all();
    for (int c = 0; c < connections["length"].as<int>(); ++c) {
        for (val& t : of_kind(connections[c], kind)) {
            val sender = t["sender"];
            if (sender["track"].isNull() && !sends(t)) continue;
            Outcome replaced = try_call(sender, "replaceTrack", array_of(track));
            promises.call<void>("push", replaced.ok ? replaced.value
                                                    : val::global("Promise").call<val>("reject", text(replaced.error)));
        }
    }
    return promises;
}

namespace {
val sending_video = val::undefined();  // the transceiver send_video made send
}  // namespace

val send_video(int pc, const val& track, const val& stream) {
    val connection = peer_connections::connection(pc);
    if (connection.isUndefined()) return val::global("Promise").call<val>("reject", val("no such peer connection"));
    std::vector<val> videos = of_kind(connection, "video");
    if (videos.empty()) {
        val init = val::object();
        init.set("direction", val("sendrecv"));
        if (!stream.isUndefined()) init.set("streams", array_of(stream));
        Outcome added = try_call(connection, "addTransceiver", array_of(track, init));
        if (!added.ok) return val::global("Promise").call<val>("reject", text(added.error));
        sending_video = added.value;
        return val::global("Promise").call<val>("resolve");
    }
    val t = videos.front();
    sending_video = t;
    val sender = t["sender"];
    if (!stream.isUndefined() && is_function(sender["setStreams"])) try_call(sender, "setStreams", array_of(stream));
    // Reflect.set: setting a direction throws on a transceiver the browser has just stopped.
    Outcome turned = try_call(val::global("Reflect"), "set", array_of(t, val("direction"), val("sendrecv")));
    if (!turned.ok) return val::global("Promise").call<val>("reject", text(turned.error));
    Outcome replaced = try_call(sender, "replaceTrack", array_of(track));
    return replaced.ok ? replaced.value : val::global("Promise").call<val>("reject", text(replaced.error));
}

void stop_video_sending() {
    if (sending_video.isUndefined()) return;
    val t = sending_video;
    sending_video = val::undefined();
    if (t["currentDirection"].isString() && t["currentDirection"].as<std::string>() == "stopped") return;
    Outcome cleared = try_call(t["sender"], "replaceTrack", array_of(val::null()));
    if (cleared.ok) cleared.value.call<void>("catch", callback("onTransceiverIgnored"));
    try_call(val::global("Reflect"), "set", array_of(t, val("direction"), val("recvonly")));
}

EMSCRIPTEN_BINDINGS(peerline_transceivers) {
    emscripten::function("onTransceiverIgnored", &on_ignored);
}

}  // namespace peerline::browser::transceivers
