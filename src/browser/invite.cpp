#include "invite.hpp"

#include <optional>

#include <emscripten/bind.h>

#include "dom.hpp"
#include "shell.hpp"

namespace peerline::browser::invite {
namespace {

struct Panel {
    val button = dom::by_id("inviteButton");
    val section = dom::by_id("invitePanel");
    val link = dom::by_id("inviteLink");
    val qr = dom::by_id("inviteQr");
    val copy_status = dom::by_id("copyStatus");
    dom::Flag hidden;
    std::string room;  // shown
};

std::optional<Panel> panel;

// 16 bytes from crypto.getRandomValues as base64url without padding: 22 characters.
std::string random_room() {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    val bytes = val::global("Uint8Array").new_(16);
    val::global("crypto").call<void>("getRandomValues", bytes);
    std::string room;
    unsigned bits = 0, value = 0;
    for (int i = 0; i < 16; ++i) {
        value = (value << 8) | bytes[i].as<unsigned>();
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            room += alphabet[(value >> bits) & 63];
        }
    }
    if (bits > 0) room += alphabet[(value << (6 - bits)) & 63];
    return room;
}

std::string link_for(const std::string& room) {
    val location = val::global("location");
    return location["origin"].as<std::string>() + location["pathname"].as<std::string>() + "?room=" + room;
}

void on_invite(val) {
    std::string room = current_view().invite_room;
    if (room.empty()) room = random_room();
    // The address bar now holds the invite link too, so a reload stays in the room.
    val::global("history").call<void>("replaceState", val::null(), val(""), text("?room=" + room));
    dispatch(InviteIntent{room});
    if (panel) {
        panel->hidden.set(panel->section, "hidden", false);
        panel->link.call<void>("focus");
        panel->link.call<void>("select");
    }
}

void on_copied(val) {
    if (panel) panel->copy_status.set("textContent", val("Copied"));
}
void on_copy_failed(val) {
    if (panel) panel->copy_status.set("textContent", val("Press Ctrl+C to copy"));
}

void on_copy(val) {
    if (!panel) return;
    panel->link.call<void>("select");
    val clipboard = val::global("navigator")["clipboard"];
    if (clipboard.isUndefined()) return on_copy_failed(val::undefined());
    Outcome written = try_call(clipboard, "writeText", array_of(panel->link["value"]));
    if (!written.ok) return on_copy_failed(val::undefined());
    written.value.call<void>("then", callback("onInviteCopied"), callback("onInviteCopyFailed"));
}

}  // namespace

std::string room_from_url() {
    Outcome params = try_construct("URLSearchParams", array_of(val::global("location")["search"]));
    if (!params.ok) return {};
    val room = params.value.call<val>("get", val("room"));
    return room.isString() ? room.as<std::string>() : std::string();
}

void attach() {
    panel.emplace();
    dom::listen(panel->button, "click", "onInviteClick");
    dom::listen(dom::by_id("copyInvite"), "click", "onInviteCopy");
}

void render(const View& view) {
    if (!panel || view.invite_room == panel->room) return;
    Panel& p = *panel;
    p.room = view.invite_room;
    p.hidden.set(p.section, "hidden", p.room.empty());
    if (p.room.empty()) return;
    const std::string link = link_for(p.room);
    p.link.set("value", text(link));
    // The server draws the QR code (it links Debian's qrcodegen; the page stays small).
    const std::string encoded = val::global("encodeURIComponent")(text(link)).as<std::string>();
    p.qr.set("src", text("qr.svg?text=" + encoded));
}

EMSCRIPTEN_BINDINGS(peerline_invite) {
    emscripten::function("onInviteClick", &on_invite);
    emscripten::function("onInviteCopy", &on_copy);
    emscripten::function("onInviteCopied", &on_copied);
    emscripten::function("onInviteCopyFailed", &on_copy_failed);
}

}  // namespace peerline::browser::invite
