#include "data_channels.hpp"

#include <map>
#include <set>
#include <utility>

#include <emscripten/bind.h>

#include "bytes.hpp"
#include "js.hpp"
#include "peer_connections.hpp"
#include "shell.hpp"

namespace peerline::browser::data_channels {
namespace {

struct Entry {
    int serial;   // tells callbacks of a closed channel from those of one that reused its key
    val channel;  // RTCDataChannel
};

std::map<std::pair<int, int>, Entry> table;
std::set<std::pair<int, int>> written;  // binary sends since the last report_buffered()
// Channels where a binary send() threw and the core has not heard of it yet: frames sent on them
// meanwhile (the rest of that batch, and batches of events queued ahead of the failure) are held
// back and reported as failed too, so the peer never sees a gap in a transfer's frames (it would
// fail it as out of order, before the sender's reason reaches it).
std::set<std::pair<int, int>> refused;
int next_serial = 0;

const Entry* live(int pc, int id, int serial) {
    auto found = table.find({pc, id});
    return found == table.end() || found->second.serial != serial ? nullptr : &found->second;
}

// pc.sctp.maxMessageSize: what this browser will send over this connection (0: not known).
std::uint64_t transport_limit(int pc) {
    val connection = peer_connections::connection(pc);
    if (connection.isUndefined()) return 0;
    val sctp = connection["sctp"];
    if (sctp.isUndefined() || sctp.isNull()) return 0;
    const double size = sctp["maxMessageSize"].as<double>();
    // Infinity (no limit on either side) and nonsense count as unknown: the descriptions decide.
    return size >= 1 && size < 9.0e15 ? static_cast<std::uint64_t>(size) : 0;
}

void on_open(int pc, int id, int serial, val) {
    if (live(pc, id, serial)) dispatch(ChannelOpened{pc, id, transport_limit(pc)});
}

void on_close(int pc, int id, int serial, val) {
    if (!live(pc, id, serial)) return;
    table.erase({pc, id});
    dispatch(ChannelClosed{pc, id});
}

void on_message(int pc, int id, int serial, val event) {
    if (!live(pc, id, serial)) return;
    val data = event["data"];
    if (data.isString()) {
        dispatch(ChannelText{pc, id, data.as<std::string>(), val::global("Date").call<double>("now")});
    } else {
        dispatch(ChannelBinary{pc, id, bytes::from_array_buffer(data), val::global("Date").call<double>("now")});
    }
}

void on_buffered_low(int pc, int id, int serial, val) {
    const Entry* entry = live(pc, id, serial);
    if (entry) dispatch(ChannelBuffered{pc, id, static_cast<std::uint64_t>(entry->channel["bufferedAmount"].as<double>())});
}

val open_channel(int pc, int id) {
    auto found = table.find({pc, id});
    if (found == table.end() || found->second.channel["readyState"].as<std::string>() != "open") return val::undefined();
    return found->second.channel;
}

}  // namespace

void create(int pc, const std::string& label, int id, std::uint32_t buffered_low_threshold) {
    val connection = peer_connections::connection(pc);
    if (connection.isUndefined()) return;
    val options = val::object();
    options.set("negotiated", true);
    options.set("id", id);
    options.set("ordered", true);
    Outcome made = try_call(connection, "createDataChannel", array_of(text(label), options));
    if (!made.ok) {
        dispatch(PcOperationFailed{pc, "createDataChannel", made.error});
        return;
    }
    val channel = made.value;
    const int serial = ++next_serial;
    channel.set("binaryType", val("arraybuffer"));
    channel.set("bufferedAmountLowThreshold", buffered_low_threshold);
    channel.set("onopen", callback("onChannelOpen", pc, id, serial));
    channel.set("onclose", callback("onChannelClose", pc, id, serial));
    channel.set("onmessage", callback("onChannelMessage", pc, id, serial));
    channel.set("onbufferedamountlow", callback("onChannelBufferedLow", pc, id, serial));
    table.insert_or_assign({pc, id}, Entry{serial, channel});
}

// A send() that throws loses the message: the core hears of it and fails what it belonged to.
void send_text(int pc, int id, const std::string& message) {
    val channel = open_channel(pc, id);
    if (channel.isUndefined()) return;
    Outcome sent = try_call(channel, "send", array_of(text(message)));
    if (!sent.ok) dispatch(ChannelSendFailed{pc, id, sent.error, message});
}

void send_binary(int pc, int id, const std::string& data) {
    val channel = open_channel(pc, id);
    if (channel.isUndefined()) return;
    if (refused.count({pc, id})) {
        dispatch(ChannelSendFailed{pc, id, "not sent: an earlier message on this channel was refused",
                                   data.substr(0, kSendFailedHeadBytes), true});
        return;
    }
    // send() copies the view synchronously, so a view into Wasm memory needs no JS copy.
    Outcome sent = try_call(channel, "send", array_of(bytes::view(data)));
    if (!sent.ok) {
        refused.insert({pc, id});
        dispatch(ChannelSendFailed{pc, id, sent.error, data.substr(0, kSendFailedHeadBytes), true});
    }
    written.insert({pc, id});
}

void failure_heard(int pc, int id) { refused.erase({pc, id}); }

void report_buffered() {
    for (auto key : std::exchange(written, {})) {
        val channel = open_channel(key.first, key.second);
        if (channel.isUndefined()) continue;
        dispatch(ChannelBuffered{key.first, key.second, static_cast<std::uint64_t>(channel["bufferedAmount"].as<double>())});
    }
}

void forget(int pc) {
    for (auto it = table.begin(); it != table.end();) {
        if (it->first.first != pc) {
            ++it;
            continue;
        }
        for (const char* handler : {"onopen", "onclose", "onmessage", "onbufferedamountlow"}) {
            it->second.channel.set(handler, val::null());
        }
        it = table.erase(it);
    }
}

EMSCRIPTEN_BINDINGS(peerline_data_channels) {
    emscripten::function("onChannelOpen", &on_open);
    emscripten::function("onChannelClose", &on_close);
    emscripten::function("onChannelMessage", &on_message);
    emscripten::function("onChannelBufferedLow", &on_buffered_low);
}

}  // namespace peerline::browser::data_channels
