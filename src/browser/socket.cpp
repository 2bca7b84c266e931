#include "socket.hpp"

#include <cstdio>
#include <optional>

#include <emscripten/bind.h>

#include "bytes.hpp"
#include "js.hpp"
#include "shell.hpp"

namespace peerline::browser::socket {
namespace {

constexpr int kOpen = 1;  // WebSocket.OPEN

std::optional<val> current;
int generation = 0;  // callbacks from a replaced socket are ignored

bool is_current(int socket_generation) { return current && socket_generation == generation; }

void on_open(int socket_generation, val) {
    if (is_current(socket_generation)) dispatch(ServerOpened{});
}

void on_message(int socket_generation, val event) {
    if (!is_current(socket_generation)) return;
    val data = event["data"];
    if (data.isString()) return dispatch(ServerText{data.as<std::string>(), val::global("Date").call<double>("now")});
    // binaryType is "arraybuffer": binary frames carry voice messages (docs/protocol.md).
    if (data.instanceof(val::global("ArrayBuffer"))) dispatch(ServerBinary{bytes::from_array_buffer(data)});
}

void on_close(int socket_generation, val) {
    if (!is_current(socket_generation)) return;
    current.reset();
    dispatch(ServerClosed{});
}

std::string url() {
    val location = val::global("location");
    const bool secure = location["protocol"].as<std::string>() == "https:";
    return std::string(secure ? "wss://" : "ws://") + location["host"].as<std::string>() + "/ws";
}

}  // namespace

void open() {
    // ConnectServer opens a fresh socket each time; an older one (if any) is dropped quietly.
    if (current) {
        current->set("onopen", val::null());
        current->set("onmessage", val::null());
        current->set("onclose", val::null());
        try_call(*current, "close", val::array());
        current.reset();
    }
    Outcome made = try_construct("WebSocket", array_of(text(url())));
    if (!made.ok) {
        std::fprintf(stderr, "peerline: WebSocket: %s\n", made.error.c_str());
        dispatch(ServerClosed{});
        return;
    }
    val ws = made.value;
    ++generation;
    ws.set("binaryType", val("arraybuffer"));
    ws.set("onopen", callback("onSocketOpen", generation));
    ws.set("onmessage", callback("onSocketMessage", generation));
    ws.set("onclose", callback("onSocketClose", generation));
    current = ws;
}

void send(const std::string& frame) {
    if (!current || (*current)["readyState"].as<int>() != kOpen) return;
    current->call<void>("send", text(frame));
}

EMSCRIPTEN_BINDINGS(peerline_socket) {
    emscripten::function("onSocketOpen", &on_open);
    emscripten::function("onSocketMessage", &on_message);
    emscripten::function("onSocketClose", &on_close);
}

}  // namespace peerline::browser::socket
