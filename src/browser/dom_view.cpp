#include "dom_view.hpp"

#include <map>
#include <optional>
#include <set>
#include <vector>

#include <emscripten/bind.h>

#include "js.hpp"
#include "media.hpp"
#include "peer_connections.hpp"
#include "shell.hpp"

namespace peerline::browser::dom_view {
namespace {

val document() { return val::global("document"); }
val by_id(const char* id) { return document().call<val>("getElementById", val(id)); }

val element(const char* tag, const char* class_name) {
    val made = document().call<val>("createElement", val(tag));
    made.set("className", val(class_name));
    return made;
}

// Writes only what changed, so screen readers hear a status once and focus is never disturbed.
struct Text {
    std::optional<std::string> shown;
    void set(val& node, const std::string& now) {
        if (shown == now) return;
        node.set("textContent", text(now));
        shown = now;
    }
};
struct Flag {
    std::optional<bool> shown;
    void set(val& node, const char* property, bool now) {
        if (shown == now) return;
        node.set(property, now);
        shown = now;
    }
};
struct Attribute {
    std::optional<std::string> shown;
    void set(val& node, const char* name, const std::string& now) {
        if (shown == now) return;
        node.call<void>("setAttribute", val(name), text(now));
        shown = now;
    }
};

struct Tile {
    val item, avatar, name, device, call;
    Text avatar_text, name_text, device_text, call_text;
    Flag call_disabled;
};

struct Page {
    val self_name = by_id("selfName");
    val connection = by_id("connection");
    val roster = by_id("roster");
    val roster_empty = by_id("rosterEmpty");
    val call_panel = by_id("callPanel");
    val status = by_id("callStatus");
    val local_video = by_id("localVideo");
    val remote_video = by_id("remoteVideo");
    val hang_up = by_id("hangUp");
    val notice = by_id("notice");

    std::string fallback_name;
    Text self_name_text, connection_text, status_text, notice_text;
    Attribute connection_state, phase;
    Flag roster_empty_hidden, hang_up_hidden, notice_hidden, local_hidden, remote_hidden;
    std::map<std::string, Tile> tiles;  // by peer id
    std::vector<std::string> order;     // peer ids as the list shows them
    val local_shown = val::null();
    val remote_shown = val::null();
};

std::optional<Page> page;

// First code point of a UTF-8 name, for the avatar.
std::string initial(const std::string& name) {
    if (name.empty()) return "?";
    std::size_t length = 1;
    const auto lead = static_cast<unsigned char>(name[0]);
    if (lead >= 0xF0) length = 4;
    else if (lead >= 0xE0) length = 3;
    else if (lead >= 0xC0) length = 2;
    return name.substr(0, length);
}

Tile make_tile(const std::string& peer_id) {
    Tile tile{element("li", "peer"),         element("span", "peer-avatar"),
              element("span", "peer-name"),  element("span", "peer-device"),
              element("button", "peer-call"), {}, {}, {}, {}, {}};
    tile.item.call<void>("setAttribute", val("data-peer-id"), text(peer_id));
    tile.avatar.call<void>("setAttribute", val("aria-hidden"), val("true"));
    tile.call.set("type", val("button"));
    tile.call.call<void>("addEventListener", val("click"), callback("onCallClick", text(peer_id)));
    val label = element("span", "peer-label");
    label.call<void>("append", tile.name, tile.device);
    tile.item.call<void>("append", tile.avatar, label, tile.call);
    return tile;
}

void render_roster(Page& p, const std::vector<PeerTile>& peers) {
    std::vector<std::string> order;
    order.reserve(peers.size());
    for (const PeerTile& peer : peers) {
        order.push_back(peer.id);
        auto found = p.tiles.find(peer.id);
        if (found == p.tiles.end()) found = p.tiles.emplace(peer.id, make_tile(peer.id)).first;
        Tile& tile = found->second;
        tile.avatar_text.set(tile.avatar, initial(peer.name));
        tile.name_text.set(tile.name, peer.name);
        tile.device_text.set(tile.device, peer.device);
        tile.call_text.set(tile.call, "Call " + peer.name);
        tile.call_disabled.set(tile.call, "disabled", !peer.can_call);
    }
    const std::set<std::string> listed(order.begin(), order.end());
    for (auto it = p.tiles.begin(); it != p.tiles.end();) {
        if (listed.count(it->first)) {
            ++it;
        } else {
            it->second.item.call<void>("remove");
            it = p.tiles.erase(it);
        }
    }
    // Re-append only when the order changed: moving a node drops keyboard focus inside it.
    if (order != p.order) {
        for (const std::string& id : order) p.roster.call<void>("append", p.tiles.at(id).item);
        p.order = std::move(order);
    }
    p.roster_empty_hidden.set(p.roster_empty, "hidden", !peers.empty());
}

void show(val& video, val& shown, val wanted) {
    if (wanted.isUndefined()) wanted = val::null();
    if (wanted.strictlyEquals(shown)) return;
    video.set("srcObject", wanted);
    shown = wanted;
    if (!wanted.isNull()) {
        video.call<val>("play").call<void>("catch", callback("onVideoPlayRejected", video));
    }
}

// ---- clicks and media-element callbacks -------------------------------------------------------

void on_call_click(std::string peer, val) { dispatch(CallIntent{std::move(peer)}); }
void on_hang_up_click(val) { dispatch(HangUpIntent{}); }

// Autoplay with sound can be refused on a page the user has not touched: play muted instead of
// showing a frozen frame. The element keeps its controls-free look; a click unmutes.
void on_video_play_rejected(val video, val error) {
    if (error["name"].as<std::string>() != "NotAllowedError") return;  // AbortError: new source
    video.set("muted", true);
    video.call<val>("play").call<void>("catch", val::module_property("onVideoPlayIgnored"));
    val once = val::object();
    once.set("once", true);
    document().call<void>("addEventListener", val("click"),
                          callback("onUnmuteClick", video), once);
}
void on_video_play_ignored(val) {}
void on_unmute_click(val video, val) { video.set("muted", false); }

}  // namespace

void attach(const std::string& self_name) {
    page.emplace();
    page->fallback_name = self_name;
    page->self_name_text.set(page->self_name, self_name);
    page->hang_up.call<void>("addEventListener", val("click"), callback("onHangUpClick"));
}

void render(const View& view) {
    if (!page) return;
    Page& p = *page;
    p.self_name_text.set(p.self_name, view.self_name.empty() ? p.fallback_name : view.self_name);
    p.connection_text.set(p.connection, view.online ? "Online" : "Offline");
    p.connection_state.set(p.connection, "data-state", view.online ? "online" : "offline");

    render_roster(p, view.peers);

    const CallPanel& call = view.call;
    p.phase.set(p.call_panel, "data-phase", to_string(call.phase));
    p.status_text.set(p.status, call.status);
    p.hang_up_hidden.set(p.hang_up, "hidden", !call.can_hang_up);
    p.local_hidden.set(p.local_video, "hidden", !call.show_local_video);
    p.remote_hidden.set(p.remote_video, "hidden", call.remote_pc == 0);

    p.notice_text.set(p.notice, view.notice);
    p.notice_hidden.set(p.notice, "hidden", view.notice.empty());

    show_streams(view);
}

void show_streams(const View& view) {
    if (!page) return;
    Page& p = *page;
    show(p.local_video, p.local_shown,
         view.call.show_local_video ? media::local_stream() : val::null());
    show(p.remote_video, p.remote_shown,
         view.call.remote_pc != 0 ? peer_connections::remote_stream(view.call.remote_pc)
                                  : val::null());
}

EMSCRIPTEN_BINDINGS(peerline_dom_view) {
    emscripten::function("onCallClick", &on_call_click);
    emscripten::function("onHangUpClick", &on_hang_up_click);
    emscripten::function("onVideoPlayRejected", &on_video_play_rejected);
    emscripten::function("onVideoPlayIgnored", &on_video_play_ignored);
    emscripten::function("onUnmuteClick", &on_unmute_click);
}

}  // namespace peerline::browser::dom_view
