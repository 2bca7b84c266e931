#include "roster.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>

#include <emscripten/bind.h>

#include "dom.hpp"
#include "files.hpp"
#include "shell.hpp"

namespace peerline::browser::roster {
namespace {

struct Tile {
    val item, avatar, name, device, call, audio_call, chat, badge;
    dom::Text avatar_text, name_text, device_text, badge_text;
    // Icon buttons: the name (and the same text as a tooltip) is an attribute.
    dom::Attribute call_name, call_tip, audio_call_name, audio_call_tip, chat_name, chat_tip;
    dom::Flag call_disabled, audio_call_disabled, badge_hidden;
    dom::Attribute link_state;
};

struct List {
    val roster = dom::by_id("roster");
    val empty = dom::by_id("rosterEmpty");
    dom::Flag empty_hidden;
    std::map<std::string, Tile> tiles;  // by peer id
    std::vector<std::string> order;     // peer ids as the list shows them
};

std::optional<List> list;

val button(const char* class_name, const std::string& peer_id, bool video) {
    val made = dom::element("button", class_name);
    made.set("type", val("button"));
    made.call<void>("append", dom::icon(video ? "i-video" : "i-phone"));
    dom::listen(made, "click", "onCallClick", text(peer_id), video);
    return made;
}

Tile make_tile(const std::string& peer_id) {
    Tile tile{dom::element("li", "peer"),          dom::element("span", "peer-avatar"),
              dom::element("span", "peer-name"),   dom::element("span", "peer-device"),
              button("peer-call", peer_id, true),  button("peer-call audio", peer_id, false),
              dom::element("button", "peer-chat"), dom::element("span", "peer-badge"),
              {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}};
    tile.item.call<void>("setAttribute", val("data-peer-id"), text(peer_id));
    tile.avatar.call<void>("setAttribute", val("aria-hidden"), val("true"));
    tile.badge.call<void>("setAttribute", val("aria-hidden"), val("true"));  // the button says it
    tile.chat.set("type", val("button"));
    tile.chat.call<void>("append", dom::icon("i-chat"));
    dom::listen(tile.chat, "click", "onChatClick", text(peer_id));
    // The whole tile takes dropped files (Snapdrop-style).
    dom::listen(tile.item, "dragover", "onTileDragOver", text(peer_id));
    dom::listen(tile.item, "dragleave", "onTileDragLeave", text(peer_id));
    dom::listen(tile.item, "drop", "onTileDrop", text(peer_id));
    val label = dom::element("span", "peer-label");
    label.call<void>("append", tile.name, tile.device);
    val actions = dom::element("span", "peer-actions");
    actions.call<void>("append", tile.call, tile.audio_call, tile.chat, tile.badge);
    tile.item.call<void>("append", tile.avatar, label, actions);
    return tile;
}

void on_call_click(std::string peer, bool video, val) { dispatch(CallIntent{std::move(peer), video, val::global("Date").call<double>("now")}); }
void on_chat_click(std::string peer, val) { dispatch(OpenLinkIntent{std::move(peer)}); }

val tile_of(const std::string& peer) {
    if (!list) return val::undefined();
    auto found = list->tiles.find(peer);
    return found == list->tiles.end() ? val::undefined() : found->second.item;
}
void on_drag_over(std::string peer, val event) {
    event.call<void>("preventDefault");  // allows the drop
    val tile = tile_of(peer);
    if (!tile.isUndefined()) tile["classList"].call<void>("add", val("drop-target"));
}
void on_drag_leave(std::string peer, val) {
    val tile = tile_of(peer);
    if (!tile.isUndefined()) tile["classList"].call<void>("remove", val("drop-target"));
}
void on_drop(std::string peer, val event) {
    event.call<void>("preventDefault");  // else the browser opens the file
    on_drag_leave(peer, val::undefined());
    val transfer = event["dataTransfer"];
    if (transfer.isUndefined() || transfer.isNull()) return;
    dispatch(OpenLinkIntent{peer});
    files::choose(peer, transfer["files"]);
}

}  // namespace

void attach() { list.emplace(); }

void render(const std::vector<PeerTile>& peers) {
    if (!list) return;
    List& l = *list;
    std::vector<std::string> order;
    order.reserve(peers.size());
    for (const PeerTile& peer : peers) {
        order.push_back(peer.id);
        auto found = l.tiles.find(peer.id);
        if (found == l.tiles.end()) found = l.tiles.emplace(peer.id, make_tile(peer.id)).first;
        Tile& tile = found->second;
        tile.avatar_text.set(tile.avatar, dom::initials(peer.name));
        tile.name_text.set(tile.name, peer.name);
        tile.device_text.set(tile.device, peer.device);
        tile.call_name.set(tile.call, "aria-label", "Call " + peer.name);
        tile.call_tip.set(tile.call, "title", "Video call " + peer.name);
        tile.audio_call_name.set(tile.audio_call, "aria-label", "Audio call " + peer.name);
        tile.audio_call_tip.set(tile.audio_call, "title", "Audio call " + peer.name);
        tile.call_disabled.set(tile.call, "disabled", !peer.can_call);
        tile.audio_call_disabled.set(tile.audio_call, "disabled", !peer.can_call);
        std::string chat = "Chat and files with " + peer.name;
        if (peer.unread > 0) chat += " (" + std::to_string(peer.unread) + " unread)";
        if (peer.offers_files) chat += " (files offered)";
        tile.chat_name.set(tile.chat, "aria-label", chat);
        tile.chat_tip.set(tile.chat, "title", chat);
        const int badge = peer.unread + (peer.offers_files ? 1 : 0);
        tile.badge_text.set(tile.badge, std::to_string(badge));
        tile.badge_hidden.set(tile.badge, "hidden", badge == 0);
        tile.link_state.set(tile.item, "data-link", peer.link);
    }
    const std::set<std::string> listed(order.begin(), order.end());
    for (auto it = l.tiles.begin(); it != l.tiles.end();) {
        if (listed.count(it->first)) {
            ++it;
        } else {
            it->second.item.call<void>("remove");
            it = l.tiles.erase(it);
        }
    }
    // Re-append only when the order changed: moving a node drops keyboard focus inside it.
    if (order != l.order) {
        for (const std::string& id : order) l.roster.call<void>("append", l.tiles.at(id).item);
        l.order = std::move(order);
    }
    l.empty_hidden.set(l.empty, "hidden", !peers.empty());
}

EMSCRIPTEN_BINDINGS(peerline_roster) {
    emscripten::function("onCallClick", &on_call_click);
    emscripten::function("onChatClick", &on_chat_click);
    emscripten::function("onTileDragOver", &on_drag_over);
    emscripten::function("onTileDragLeave", &on_drag_leave);
    emscripten::function("onTileDrop", &on_drop);
}

}  // namespace peerline::browser::roster
