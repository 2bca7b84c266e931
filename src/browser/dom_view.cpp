#include "dom_view.hpp"

#include <optional>
#include <string>

#include "call_panel.hpp"
#include "conversation.hpp"
#include "device_picker.hpp"
#include "dom.hpp"
#include "incoming_call.hpp"
#include "invite.hpp"
#include "name_editor.hpp"
#include "recent_calls.hpp"
#include "roster.hpp"
#include "service_worker.hpp"
#include "shortcuts.hpp"
#include "stats_panel.hpp"
#include "voice_inbox.hpp"
#include "voice_recorder.hpp"

namespace peerline::browser::dom_view {
namespace {

struct Header {
    val self_name = dom::by_id("selfName");
    val connection = dom::by_id("connection");
    val notice = dom::by_id("notice");
    dom::Text self_name_text, connection_text, notice_text;
    dom::Attribute connection_state;
    dom::Flag notice_hidden;
    std::string fallback_name;
};

std::optional<Header> header;

const char* link_text(LinkState link, bool network_down) {
    // Offline is the device's state, not ours: say what will bring the page back.
    if (network_down && link != LinkState::online) return "Offline — reconnecting when your network is back";
    switch (link) {
        case LinkState::connecting: return "Connecting…";
        case LinkState::online: return "Online";
        case LinkState::reconnecting: return "Reconnecting…";
    }
    return "";
}

}  // namespace

void attach(const View& initial) {
    header.emplace();
    header->fallback_name = initial.self_name;
    header->self_name_text.set(header->self_name, initial.self_name);
    roster::attach();
    recent_calls::attach();
    call_panel::attach();
    device_picker::attach();
    stats_panel::attach();
    incoming_call::attach();
    shortcuts::attach();
    conversation::attach();
    invite::attach();
    voice_recorder::attach();
    voice_inbox::attach();
    name_editor::attach();
    service_worker::attach();
}

void render(const View& view) {
    if (!header) return;
    Header& h = *header;
    h.self_name_text.set(h.self_name, view.self_name.empty() ? h.fallback_name : view.self_name);
    h.connection_text.set(h.connection, link_text(view.link, view.network_down));
    h.connection_state.set(h.connection, "data-state", to_string(view.link));

    roster::render(view.peers);
    recent_calls::render(view);
    conversation::render(view.conversation);
    invite::render(view);
    voice_recorder::render(view.voice);
    voice_inbox::render(view.voice);
    call_panel::render(view.call);
    device_picker::render(view.devices);
    stats_panel::render(view.call);
    show_streams(view);
    incoming_call::render(view.call);  // last: it may move focus into the controls drawn above

    service_worker::render(view);
    h.notice_text.set(h.notice, view.notice);
    h.notice_hidden.set(h.notice, "hidden", view.notice.empty());
}

void show_streams(const View& view) { call_panel::show_streams(view.call); }

}  // namespace peerline::browser::dom_view
