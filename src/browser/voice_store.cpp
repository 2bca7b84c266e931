#include "voice_store.hpp"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include <emscripten/bind.h>

#include "bytes.hpp"
#include "shell.hpp"

namespace peerline::browser::voice_store {
namespace {

constexpr const char* kDatabase = "peerline-voice";
constexpr const char* kStore = "messages";
constexpr int kVersion = 1;

struct Store {
    val db = val::null();   // IDBDatabase once open
    bool failed = false;    // no IndexedDB here: keep messages in memory only
    std::vector<voice_mail::Record> waiting;  // puts asked for before the database opened
    std::map<std::string, val> bytes;         // every message this page lists, by key
};
Store store;

val record_object(const voice_mail::Record& r) {
    val o = val::object();
    o.set("key", text(r.key));
    o.set("outgoing", r.outgoing);
    o.set("id", text(r.id));
    o.set("peer", text(r.peer));
    o.set("peerName", text(r.peer_name));
    o.set("atMs", r.at_ms);
    o.set("durationS", r.duration_s);
    o.set("played", r.played);
    o.set("bytes", store.bytes.at(r.key));
    return o;
}

// What an earlier visit stored, read defensively: a field of the wrong type reads as empty and
// the core's checks then refuse the record.
std::string string_field(const val& o, const char* name) {
    val v = o[name];
    return v.isString() ? v.as<std::string>() : std::string();
}
double number_field(const val& o, const char* name) {
    val v = o[name];
    return v.isNumber() ? v.as<double>() : 0;
}

voice_mail::Record record_of(const val& o) {
    voice_mail::Record r;
    r.key = string_field(o, "key");
    r.outgoing = o["outgoing"].isTrue();
    r.id = string_field(o, "id");
    r.peer = string_field(o, "peer");
    r.peer_name = string_field(o, "peerName");
    r.at_ms = number_field(o, "atMs");
    r.duration_s = number_field(o, "durationS");
    r.played = o["played"].isTrue();
    val data = o["bytes"];
    if (data.instanceof(val::global("Uint8Array"))) {
        bytes::append(r.bytes, data);
        store.bytes.insert_or_assign(r.key, data);
    }
    return r;
}

// One readwrite transaction on the store; `step` gets the object store.
template <typename Step>
Outcome write(Step&& step) {
    Outcome tx = try_call(store.db, "transaction", array_of(val(kStore), val("readwrite")));
    if (!tx.ok) return tx;
    step(tx.value.call<val>("objectStore", val(kStore)));
    return tx;
}

void fail_to_open(const std::string& why) {
    store.failed = true;
    store.db = val::null();
    dispatch(StoredVoicesLoaded{false, why, {}});
    // Puts asked for meanwhile: the bytes stay in memory for this visit.
    for (const auto& r : std::exchange(store.waiting, {})) dispatch(VoiceStored{r.key, false, why});
}

void on_upgrade(val event) {
    val db = event["target"]["result"];
    if (!db["objectStoreNames"].call<bool>("contains", val(kStore))) {
        val options = val::object();
        options.set("keyPath", val("key"));
        db.call<val>("createObjectStore", val(kStore), options);
    }
}

void on_all_read(val event) {
    std::vector<voice_mail::Record> records;
    val all = event["target"]["result"];
    const int n = all["length"].as<int>();
    for (int i = 0; i < n; ++i) records.push_back(record_of(all[i]));
    dispatch(StoredVoicesLoaded{true, "", std::move(records)});
    for (const auto& r : std::exchange(store.waiting, {})) put(r);
}

void on_read_failed(val event) { fail_to_open("reading the stored messages failed: " + describe(event["target"]["error"])); }

void on_open(val event) {
    store.db = event["target"]["result"];
    Outcome tx = try_call(store.db, "transaction", array_of(val(kStore), val("readonly")));
    if (!tx.ok) return fail_to_open(tx.error);
    val request = tx.value.call<val>("objectStore", val(kStore)).call<val>("getAll");
    request.set("onsuccess", callback("onVoiceStoreRead"));
    request.set("onerror", callback("onVoiceStoreReadFailed"));
}

void on_open_failed(val event) { fail_to_open(describe(event["target"]["error"])); }

void on_put_done(std::string key, val) { dispatch(VoiceStored{key, true, ""}); }

void on_put_failed(std::string key, val event) {
    val error = event["target"]["error"];
    dispatch(VoiceStored{key, false, error.isNull() || error.isUndefined() ? std::string("the write was aborted") : describe(error)});
}

void on_played_read(val event) {
    val request = event["target"];
    val found = request["result"];
    if (found.isUndefined() || found.isNull()) return;
    found.set("played", true);
    request["source"].call<val>("put", found);
}

}  // namespace

void load() {
    val factory = val::global("indexedDB");
    if (factory.isUndefined() || factory.isNull()) return fail_to_open("this browser has no IndexedDB");
    // Throws in some private modes and sandboxed frames; errors asynchronously in others.
    Outcome opened = try_call(factory, "open", array_of(val(kDatabase), val(kVersion)));
    if (!opened.ok) return fail_to_open(opened.error);
    opened.value.set("onupgradeneeded", callback("onVoiceStoreUpgrade"));
    opened.value.set("onsuccess", callback("onVoiceStoreOpen"));
    opened.value.set("onerror", callback("onVoiceStoreOpenFailed"));
}

// A message whose write fails stays on the page (the core keeps it listed for the visit and says
// so), so its bytes stay too: only DeleteStoredVoice drops them.
void put(const voice_mail::Record& record) {
    store.bytes.insert_or_assign(record.key, bytes::copy(record.bytes));
    if (store.failed) return dispatch(VoiceStored{record.key, false, "this browser cannot store voice messages"});
    if (store.db.isNull()) return store.waiting.push_back(record);
    auto refuse = [&](const std::string& why) { dispatch(VoiceStored{record.key, false, why}); };
    Outcome tx = try_call(store.db, "transaction", array_of(val(kStore), val("readwrite")));
    if (!tx.ok) return refuse(tx.error);
    // put() itself throws for a value it cannot clone; the transaction would then complete
    // empty and look like success.
    Outcome request = try_call(tx.value.call<val>("objectStore", val(kStore)), "put", array_of(record_object(record)));
    if (!request.ok) {
        try_call(tx.value, "abort", val::array());
        return refuse(request.error);
    }
    tx.value.set("oncomplete", callback("onVoiceStorePut", text(record.key)));
    tx.value.set("onabort", callback("onVoiceStorePutFailed", text(record.key)));
}

void remove(const std::string& key) {
    store.bytes.erase(key);
    if (store.db.isNull()) {
        auto& w = store.waiting;
        w.erase(std::remove_if(w.begin(), w.end(), [&](const voice_mail::Record& r) { return r.key == key; }), w.end());
        return;
    }
    write([&](val messages) { messages.call<val>("delete", text(key)); });
}

void mark_played(const std::string& key) {
    if (store.db.isNull()) return;
    write([&](val messages) { messages.call<val>("get", text(key)).set("onsuccess", callback("onVoiceStorePlayedRead")); });
}

val bytes(const std::string& key) {
    auto found = store.bytes.find(key);
    return found == store.bytes.end() ? val::null() : found->second;
}

EMSCRIPTEN_BINDINGS(peerline_voice_store) {
    emscripten::function("onVoiceStoreUpgrade", &on_upgrade);
    emscripten::function("onVoiceStoreOpen", &on_open);
    emscripten::function("onVoiceStoreOpenFailed", &on_open_failed);
    emscripten::function("onVoiceStoreRead", &on_all_read);
    emscripten::function("onVoiceStoreReadFailed", &on_read_failed);
    emscripten::function("onVoiceStorePut", &on_put_done);
    emscripten::function("onVoiceStorePutFailed", &on_put_failed);
    emscripten::function("onVoiceStorePlayedRead", &on_played_read);
}

}  // namespace peerline::browser::voice_store
