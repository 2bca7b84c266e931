#include "peer_connections.hpp"

#include <map>

#include <emscripten/bind.h>

#include "js.hpp"
#include "shell.hpp"
#include "transceivers.hpp"

namespace peerline::browser::peer_connections {
namespace {

struct Entry {
    int serial;          // tells callbacks of a closed pc from those of a pc that reused its id
    val connection;      // RTCPeerConnection
    val remote;          // MediaStream of remote tracks, or undefined
    val sent;            // MediaStream named in our transceivers' msid (add_transceiver), or undefined
    bool connected_once = false;  // bitrate caps wait for this (on_state_change)
};

std::map<int, Entry> table;
int next_serial = 0;

Entry* live(int pc, int serial) {
    auto found = table.find(pc);
    if (found == table.end() || found->second.serial != serial) return nullptr;
    return &found->second;
}

void fail(int pc, const char* operation, const std::string& reason) {
    dispatch(PcOperationFailed{pc, operation, reason});
}

// promise.then(on_success bound to pc, onPcFailed bound to pc + operation name)
void settle(const Entry& entry, int pc, const val& promise, const char* on_success,
            const char* operation) {
    val failed = callback("onPcFailed", pc, entry.serial, val(operation));
    if (on_success) {
        promise.call<void>("then", callback(on_success, pc, entry.serial), failed);
    } else {
        promise.call<void>("catch", failed);
    }
}

// Calls connection[method](...args), which returns a promise; a synchronous throw is reported
// like a rejection.
void run(int pc, const char* method, const val& args, const char* on_success) {
    auto found = table.find(pc);
    if (found == table.end()) return fail(pc, method, "no such peer connection");
    Outcome called = try_call(found->second.connection, method, args);
    if (!called.ok) return fail(pc, method, called.error);
    settle(found->second, pc, called.value, on_success, method);
}

val description(const std::string& type, const std::string& sdp) {
    val init = val::object();
    init.set("type", text(type));
    init.set("sdp", text(sdp));
    return init;
}

// ---- callbacks from the browser ------------------------------------------------------------

void on_ice_candidate(int pc, int serial, val event) {
    if (!live(pc, serial)) return;
    val candidate = event["candidate"];
    if (candidate.isNull() || candidate.isUndefined()) {
        dispatch(LocalCandidate{pc, {}, {}, 0});
        return;
    }
    val mid = candidate["sdpMid"];
    val index = candidate["sdpMLineIndex"];
    dispatch(LocalCandidate{pc, candidate["candidate"].as<std::string>(),
                            mid.isString() ? mid.as<std::string>() : std::string(),
                            index.isNumber() ? index.as<int>() : -1});
}

void on_state_change(int pc, int serial, val) {
    Entry* entry = live(pc, serial);
    if (!entry) return;
    const std::string state = entry->connection["connectionState"].as<std::string>();
    if (state == "connected" && !entry->connected_once) {
        entry->connected_once = true;
        transceivers::apply_bitrates(pc);
    }
    dispatch(PcStateChanged{pc, state});
}

void on_track(int pc, int serial, val event) {
    Entry* entry = live(pc, serial);
    if (!entry) return;
    val track = event["track"];
    val streams = event["streams"];
    if (streams["length"].as<int>() > 0) {
        entry->remote = streams[0];
    } else {  // a track sent without a stream (addTransceiver): collect it ourselves
        if (entry->remote.isUndefined()) entry->remote = val::global("MediaStream").new_();
        entry->remote.call<void>("addTrack", track);
    }
    dispatch(RemoteTrackAdded{pc, track["kind"].as<std::string>()});
}

void on_description(int pc, int serial, val created) {
    if (!live(pc, serial)) return;
    dispatch(LocalDescriptionCreated{pc, created["type"].as<std::string>(),
                                     created["sdp"].as<std::string>()});
}

// Bitrate caps (transceivers.cpp) go on once the connection is up, not during its set-up:
// getParameters blocks the page's main thread until WebRTC's signaling thread is free, and that
// thread is busy with the descriptions and ICE until then (measured: 3-6 ms of main thread and
// the caps' setParameters queued ahead of ICE, each side, tools/bench/call/tasks.mjs). Nothing
// is sent uncapped meanwhile: media starts at the policy's start bitrate (at most the cap), and
// the descriptions' b=AS/TIAS and Opus maxaveragebitrate bound it too (docs/sdp.md). Senders a
// later negotiation adds get theirs when its descriptions are set.
void on_local_set(int pc, int serial, val) {
    Entry* entry = live(pc, serial);
    if (!entry) return;
    if (entry->connected_once) transceivers::apply_bitrates(pc);
    dispatch(LocalDescriptionSet{pc});
}

void on_remote_set(int pc, int serial, val) {
    Entry* entry = live(pc, serial);
    if (!entry) return;
    // After a remote offer the answer comes next: caps then wait for it (on_local_set), so that
    // setParameters does not queue ahead of createAnswer on WebRTC's signaling thread.
    if (entry->connected_once && entry->connection["signalingState"].as<std::string>() == "stable") {
        transceivers::apply_bitrates(pc);
    }
    dispatch(RemoteDescriptionSet{pc});
}

void on_negotiation_needed(int pc, int serial, val) {
    if (live(pc, serial)) dispatch(NegotiationNeeded{pc});
}

// JSON.stringify(Array.from(report.values())): the array of RTCStats the core parses.
void on_stats(int pc, int serial, val report) {
    if (!live(pc, serial)) return;
    val entries = val::global("Array").call<val>("from", report.call<val>("values"));
    Outcome json = try_call(val::global("JSON"), "stringify", array_of(entries));
    if (json.ok && json.value.isString()) dispatch(StatsReport{pc, json.value.as<std::string>()});
}

void on_stats_failed(int, int, val) {}  // a missed sample: the next one comes in a second

void on_failed(int pc, int serial, std::string operation, val error) {
    if (live(pc, serial)) dispatch(PcOperationFailed{pc, std::move(operation), describe(error)});
}

}  // namespace

void create(int pc, const std::string& configuration_json) {
    close(pc);
    Outcome config = configuration_json.empty()
                         ? Outcome{true, val::object(), {}}
                         : try_call(val::global("JSON"), "parse", array_of(text(configuration_json)));
    if (!config.ok) return fail(pc, "RTCPeerConnection", config.error);
    Outcome made = try_construct("RTCPeerConnection", array_of(config.value));
    if (!made.ok) return fail(pc, "RTCPeerConnection", made.error);

    const int serial = ++next_serial;
    val connection = made.value;
    connection.set("onicecandidate", callback("onPcIceCandidate", pc, serial));
    connection.set("onconnectionstatechange", callback("onPcStateChange", pc, serial));
    connection.set("ontrack", callback("onPcTrack", pc, serial));
    connection.set("onnegotiationneeded", callback("onPcNegotiationNeeded", pc, serial));
    table.emplace(pc, Entry{serial, connection, val::undefined(), val::undefined()});
}

void add_local_tracks(int pc, const val& local_stream) {
    auto found = table.find(pc);
    if (found == table.end()) return fail(pc, "addTrack", "no such peer connection");
    if (local_stream.isUndefined()) return fail(pc, "addTrack", "no local media");
    val tracks = local_stream.call<val>("getTracks");
    const int count = tracks["length"].as<int>();
    for (int i = 0; i < count; ++i) {
        Outcome added =
            try_call(found->second.connection, "addTrack", array_of(tracks[i], local_stream));
        if (!added.ok) return fail(pc, "addTrack", added.error);
    }
}

void add_transceiver(int pc, const std::string& kind, bool send) {
    auto found = table.find(pc);
    if (found == table.end()) return fail(pc, "addTransceiver", "no such peer connection");
    Entry& entry = found->second;
    // One stream for all our transceivers, so the peer's ontrack sees audio and video as one
    // MediaStream, as with addTrack(track, stream).
    if (entry.sent.isUndefined()) entry.sent = val::global("MediaStream").new_();
    val init = val::object();
    init.set("direction", val(send ? "sendrecv" : "recvonly"));
    init.set("streams", array_of(entry.sent));
    Outcome added = try_call(entry.connection, "addTransceiver", array_of(text(kind), init));
    if (!added.ok) fail(pc, "addTransceiver", added.error);
}

void create_offer(int pc, bool ice_restart) {
    val options = val::object();
    if (ice_restart) options.set("iceRestart", true);
    run(pc, "createOffer", array_of(options), "onPcDescription");
}

void create_answer(int pc) { run(pc, "createAnswer", val::array(), "onPcDescription"); }

void set_local_description(int pc, const std::string& type, const std::string& sdp) {
    run(pc, "setLocalDescription", array_of(description(type, sdp)), "onPcLocalSet");
}

void set_remote_description(int pc, const std::string& type, const std::string& sdp) {
    run(pc, "setRemoteDescription", array_of(description(type, sdp)), "onPcRemoteSet");
}

void add_ice_candidate(int pc, const std::string& candidate, const std::string& mid,
                       int mline_index) {
    if (candidate.empty()) {  // end of candidates (RFC 8838 §13; JSEP addIceCandidate())
        run(pc, "addIceCandidate", val::array(), nullptr);
        return;
    }
    val init = val::object();
    init.set("candidate", text(candidate));
    // RTCIceCandidateInit: either may be null; the core never passes both missing.
    init.set("sdpMid", mid.empty() ? val::null() : text(mid));
    init.set("sdpMLineIndex", mline_index >= 0 ? val(mline_index) : val::null());
    run(pc, "addIceCandidate", array_of(init), nullptr);
}

void close(int pc) {
    auto found = table.find(pc);
    if (found == table.end()) return;
    val connection = found->second.connection;
    table.erase(found);
    // Drop our handlers so the closed connection holds no callbacks into C++.
    connection.set("onicecandidate", val::null());
    connection.set("onconnectionstatechange", val::null());
    connection.set("ontrack", val::null());
    connection.set("onnegotiationneeded", val::null());
    connection.call<void>("close");
    transceivers::forget(pc);
}

void report_rejection(int pc, const val& promise, const char* operation) {
    auto found = table.find(pc);
    if (found != table.end()) settle(found->second, pc, promise, nullptr, operation);
}

void collect_stats(int pc) {
    auto found = table.find(pc);
    if (found == table.end()) return;
    Outcome asked = try_call(found->second.connection, "getStats", val::array());
    if (!asked.ok) return;
    asked.value.call<void>("then", callback("onPcStats", pc, found->second.serial),
                           callback("onPcStatsFailed", pc, found->second.serial));
}

val connection(int pc) {
    auto found = table.find(pc);
    return found == table.end() ? val::undefined() : found->second.connection;
}

val all() {
    val list = val::array();
    for (const auto& [id, entry] : table) list.call<void>("push", entry.connection);
    return list;
}

val sent_stream(int pc) {
    auto found = table.find(pc);
    return found == table.end() ? val::undefined() : found->second.sent;
}

val remote_stream(int pc) {
    auto found = table.find(pc);
    return found == table.end() ? val::undefined() : found->second.remote;
}

EMSCRIPTEN_BINDINGS(peerline_peer_connections) {
    emscripten::function("onPcIceCandidate", &on_ice_candidate);
    emscripten::function("onPcStateChange", &on_state_change);
    emscripten::function("onPcTrack", &on_track);
    emscripten::function("onPcDescription", &on_description);
    emscripten::function("onPcRemoteSet", &on_remote_set);
    emscripten::function("onPcLocalSet", &on_local_set);
    emscripten::function("onPcNegotiationNeeded", &on_negotiation_needed);
    emscripten::function("onPcStats", &on_stats);
    emscripten::function("onPcStatsFailed", &on_stats_failed);
    emscripten::function("onPcFailed", &on_failed);
}

}  // namespace peerline::browser::peer_connections
