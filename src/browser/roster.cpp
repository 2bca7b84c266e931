#include "roster.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>

#include <emscripten/bind.h>

#include "dom.hpp"
#include "shell.hpp"

namespace peerline::browser::roster {
namespace {

struct Tile {
    val item, avatar, name, device, call, audio_call;
    dom::Text avatar_text, name_text, device_text, call_text, audio_call_text;
    dom::Flag call_disabled, audio_call_disabled;
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
    dom::listen(made, "click", "onCallClick", text(peer_id), video);
    return made;
}

Tile make_tile(const std::string& peer_id) {
    Tile tile{dom::element("li", "peer"),          dom::element("span", "peer-avatar"),
              dom::element("span", "peer-name"),   dom::element("span", "peer-device"),
              button("peer-call", peer_id, true),  button("peer-call audio", peer_id, false),
              {}, {}, {}, {}, {}, {}, {}};
    tile.item.call<void>("setAttribute", val("data-peer-id"), text(peer_id));
    tile.avatar.call<void>("setAttribute", val("aria-hidden"), val("true"));
    val label = dom::element("span", "peer-label");
    label.call<void>("append", tile.name, tile.device);
    val actions = dom::element("span", "peer-actions");
    actions.call<void>("append", tile.call, tile.audio_call);
    tile.item.call<void>("append", tile.avatar, label, actions);
    return tile;
}

void on_call_click(std::string peer, bool video, val) { dispatch(CallIntent{std::move(peer), video}); }

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
        tile.call_text.set(tile.call, "Call " + peer.name);
        tile.audio_call_text.set(tile.audio_call, "Audio call " + peer.name);
        tile.call_disabled.set(tile.call, "disabled", !peer.can_call);
        tile.audio_call_disabled.set(tile.audio_call, "disabled", !peer.can_call);
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

EMSCRIPTEN_BINDINGS(peerline_roster) { emscripten::function("onCallClick", &on_call_click); }

}  // namespace peerline::browser::roster
