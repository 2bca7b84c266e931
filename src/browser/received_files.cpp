#include "received_files.hpp"

#include <map>
#include <utility>

#include <emscripten/bind.h>

#include "bytes.hpp"
#include "shell.hpp"

namespace peerline::browser::received_files {
namespace {

// Where sinks opened from now on go: unknown until the worker answers its start (within
// milliseconds of the page's start, long before anything is accepted).
enum class Storage { unknown, disk, blobs };
Storage storage = Storage::unknown;
val worker = val::undefined();
int next_file = 0;

// Blob fallback: bytes gather in a small buffer that becomes a Blob part when full, so the
// page's heap holds at most one buffer per file (the Blob parts are the browser's to keep).
constexpr std::size_t kPartBytes = 4 * 1024 * 1024;

struct Sink {
    std::string mime;
    bool on_disk = false;
    std::uint64_t written = 0;  // the offset of the next write
    val parts = val::array();
    std::string pending;
    std::string url;  // once stored
};
std::map<std::string, Sink> sinks;

void info(const std::string& line) { val::global("console").call<void>("info", text(line)); }

void post(val message, val transfer = val::array()) { worker.call<void>("postMessage", message, transfer); }

val message(const char* op, const std::string& sink) {
    val m = val::object();
    m.set("op", val(op));
    m.set("sink", text(sink));
    return m;
}

void flush(Sink& sink) {
    if (sink.pending.empty()) return;
    sink.parts.call<void>("push", val::global("Blob").new_(array_of(bytes::view(sink.pending))));
    sink.pending.clear();
}

void stored(const std::string& sink, val file) {
    auto found = sinks.find(sink);
    if (found == sinks.end()) return;
    found->second.url = val::global("URL").call<std::string>("createObjectURL", file);
    dispatch(FileSinkStored{sink});
}

std::string folder_name() {
    Outcome id = try_call(val::global("crypto"), "randomUUID", val::array());
    return "peerline-received-" + (id.ok ? id.value.as<std::string>()
                                         : std::to_string(val::global("Date").call<double>("now")));
}

// The worker's answers.
void on_worker_message(val event) {
    val m = event["data"];
    const std::string op = m["op"].as<std::string>();
    if (op == "started") {
        storage = Storage::disk;
    } else if (op == "unavailable") {
        storage = Storage::blobs;
        info("received files are kept as Blob parts: " + m["reason"].as<std::string>());
    } else if (op == "stored") {
        stored(m["sink"].as<std::string>(), m["file"]);
    } else if (op == "failed") {
        const std::string sink = m["sink"].as<std::string>();
        if (sinks.erase(sink)) dispatch(FileSinkFailed{sink, m["reason"].as<std::string>()});
    }
}

void on_worker_error(val event) {
    // The script did not load (or threw): every disk sink is lost with it.
    storage = Storage::blobs;
    for (auto it = sinks.begin(); it != sinks.end();) {
        if (!it->second.on_disk) { ++it; continue; }
        const std::string sink = it->first;
        it = sinks.erase(it);
        dispatch(FileSinkFailed{sink, "the storage worker stopped: " + describe(event["message"])});
    }
}

void on_estimate(std::string key, val estimate) {
    const double quota = estimate["quota"].isNumber() ? estimate["quota"].as<double>() : 0;
    const double usage = estimate["usage"].isNumber() ? estimate["usage"].as<double>() : 0;
    if (!estimate["quota"].isNumber()) return dispatch(StorageChecked{key, false, 0, "no quota in the estimate"});
    const double available = quota > usage ? quota - usage : 0;
    dispatch(StorageChecked{key, true, static_cast<std::uint64_t>(available), ""});
}

void on_estimate_failed(std::string key, val error) { dispatch(StorageChecked{key, false, 0, describe(error)}); }

}  // namespace

void delete_leftovers() {
    if (worker.isUndefined()) {
        Outcome made = try_construct("Worker", array_of(val("received_files_worker.js")));
        if (!made.ok) {
            storage = Storage::blobs;
            info("received files are kept as Blob parts: " + made.error);
            return;
        }
        worker = made.value;
        worker.set("onmessage", callback("onReceivedFilesMessage"));
        worker.set("onerror", callback("onReceivedFilesError"));
        val start = val::object();
        start.set("op", val("start"));
        start.set("folder", text(folder_name()));
        post(start);
    }
    val sweep = val::object();
    sweep.set("op", val("sweep"));
    post(sweep);
}

void check_storage(const std::string& key) {
    val manager = val::global("navigator")["storage"];
    if (manager.isUndefined() || manager["estimate"].isUndefined()) {
        return dispatch(StorageChecked{key, false, 0, "no navigator.storage.estimate"});
    }
    Outcome asked = try_call(manager, "estimate", val::array());
    if (!asked.ok) return dispatch(StorageChecked{key, false, 0, asked.error});
    asked.value.call<void>("then", callback("onStorageEstimate", key), callback("onStorageEstimateFailed", key));
}

void open_sink(const std::string& sink, const std::string& mime) {
    Sink s;
    s.mime = mime;
    s.on_disk = storage == Storage::disk;
    if (s.on_disk) {
        val m = message("open", sink);
        m.set("name", val("f" + std::to_string(++next_file)));
        post(m);
    }
    sinks[sink] = std::move(s);
}

void write_sink(const std::string& sink, const std::string& data) {
    auto found = sinks.find(sink);
    if (found == sinks.end()) return;  // failed: the core hears of it and stops writing
    Sink& s = found->second;
    if (!s.on_disk) {
        s.pending += data;
        s.written += data.size();  // counted here too: a rewind needs it
        if (s.pending.size() >= kPartBytes) flush(s);
        return;
    }
    // A copy the worker owns (transferred, not cloned): the page keeps nothing of it.
    val buffer = bytes::copy(data)["buffer"];
    val m = message("write", sink);
    m.set("at", val(static_cast<double>(s.written)));
    m.set("bytes", buffer);
    post(m, array_of(buffer));
    s.written += data.size();
}

// A Blob-parts sink's bytes so far as one Blob of its type (the parts are emptied): a Blob over
// Blobs references their bytes, it does not copy them.
val take_blob(Sink& s) {
    flush(s);
    val options = val::object();
    options.set("type", text(s.mime));
    val blob = val::global("Blob").new_(s.parts, options);
    s.parts = val::array();
    return blob;
}

void close_sink(const std::string& sink, bool keep) {
    auto found = sinks.find(sink);
    if (found == sinks.end()) return;
    Sink& s = found->second;
    if (!keep) {
        if (!s.url.empty()) val::global("URL").call<void>("revokeObjectURL", text(s.url));
        if (s.on_disk) {
            val m = message("close", sink);
            m.set("keep", val(false));
            post(m);
        }
        sinks.erase(found);
        return;
    }
    if (s.on_disk) {
        val m = message("close", sink);
        m.set("keep", val(true));
        post(m);  // answered "stored" (or "failed")
        return;
    }
    stored(sink, take_blob(s));
}

void rewind_sink(const std::string& sink, std::uint64_t size) {
    auto found = sinks.find(sink);
    if (found == sinks.end()) return;
    Sink& s = found->second;
    if (size >= s.written) return;
    s.written = size;
    if (s.on_disk) {
        val m = message("truncate", sink);
        m.set("size", val(static_cast<double>(size)));
        post(m);
        return;
    }
    // Blob parts: a slice of them is a new Blob over the same bytes, not a copy in the heap.
    s.parts.call<void>("push", take_blob(s).call<val>("slice", val(0), val(static_cast<double>(size))));
}

std::string saved_url(const std::string& sink) {
    auto found = sinks.find(sink);
    return found == sinks.end() ? std::string() : found->second.url;
}

EMSCRIPTEN_BINDINGS(peerline_received_files) {
    emscripten::function("onReceivedFilesMessage", &on_worker_message);
    emscripten::function("onReceivedFilesError", &on_worker_error);
    emscripten::function("onStorageEstimate", &on_estimate);
    emscripten::function("onStorageEstimateFailed", &on_estimate_failed);
}

}  // namespace peerline::browser::received_files
