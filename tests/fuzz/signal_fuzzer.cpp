// libFuzzer target: any bytes → the relay's fast path (protocol::peek_signal, built on
// scan_json_object) checked against the full nlohmann parser. The fast path may decline
// anything, but what it accepts the full parser must accept as the same `signal`, and the frame
// the server then relays must parse as a `signal` carrying an equal `data`.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "json_depth.hpp"
#include "protocol.hpp"

using namespace peerline;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(bytes), size);

    // The scanner alone: accepting means nlohmann accepts the same object.
    JsonMembers members;
    if (scan_json_object(text, 32, members)) {
        auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
        if (parsed.is_discarded() || !parsed.is_object()) std::abort();
        for (std::size_t i = 0; i < members.count; ++i) {
            const auto value = nlohmann::json::parse(members.items[i].value, nullptr, false);
            if (value.is_discarded()) std::abort();  // every member span is itself JSON
        }
    }

    const auto fast = protocol::peek_signal(text);
    if (!fast) return 0;
    auto full = protocol::parse_client_message(text);
    if (!full) std::abort();
    const auto* signal = std::get_if<protocol::SignalTo>(&full.value());
    if (!signal || signal->to != fast->to) std::abort();
    const auto data = nlohmann::json::parse(fast->data, nullptr, false);
    if (data.is_discarded() || data != signal->data) std::abort();

    auto relayed = protocol::parse_server_message(protocol::signal_frame("0123abcd", fast->data));
    if (!relayed) std::abort();
    const auto* from = std::get_if<protocol::SignalFrom>(&relayed.value());
    if (!from || from->from != "0123abcd" || from->data != signal->data) std::abort();
    return 0;
}
