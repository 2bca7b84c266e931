#include "ws_handshake.hpp"

#include "crypto.hpp"

namespace peerline::server {
namespace {

// A Sec-WebSocket-Key is 16 random bytes in base64: 22 characters and "==".
bool is_client_key(std::string_view key) {
    if (key.size() != 24 || key.substr(22) != "==") return false;
    for (char c : key.substr(0, 22)) {
        const bool base64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '+' || c == '/';
        if (!base64) return false;
    }
    return true;
}

std::string refusal(std::string_view status, std::string_view extra_header, std::string_view why) {
    std::string response = "HTTP/1.1 ";
    response.append(status).append("\r\nServer: Peerline\r\nConnection: close\r\n");
    response.append(extra_header);
    response.append("Content-Type: text/plain; charset=utf-8\r\nContent-Length: ");
    response.append(std::to_string(why.size() + 1)).append("\r\n\r\n").append(why).append("\n");
    return response;
}

}  // namespace

std::string websocket_accept_key(std::string_view client_key) {
    static constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    std::string input(client_key);
    input.append(kGuid);
    return to_base64(sha1(input));
}

HandshakeAnswer answer_upgrade(const Request& request) {
    if (request[http::field::sec_websocket_version] != "13") {
        // §4.4: say which version we speak.
        constexpr const char* kWhy = "WebSocket version 13 is required";
        return {false, refusal("426 Upgrade Required", "Sec-WebSocket-Version: 13\r\n", kWhy), kWhy};
    }
    const auto key = request[http::field::sec_websocket_key];
    if (!is_client_key(key)) {
        constexpr const char* kWhy = "missing or malformed Sec-WebSocket-Key";
        return {false, refusal("400 Bad Request", "", kWhy), kWhy};
    }
    std::string response =
        "HTTP/1.1 101 Switching Protocols\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        "Server: Peerline\r\n"
        "Sec-WebSocket-Accept: ";
    response.append(websocket_accept_key(key)).append("\r\n\r\n");
    return {true, std::move(response), ""};
}

}  // namespace peerline::server
