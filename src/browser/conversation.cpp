#include "conversation.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <emscripten/bind.h>

#include "dom.hpp"
#include "files.hpp"
#include "received_files.hpp"
#include "shell.hpp"
#include "transfer_format.hpp"

namespace peerline::browser::conversation {
namespace {

struct ChatItem {
    val item, body, meta;
    dom::Text meta_text;
    dom::Attribute delivery;
};

struct TransferItem {
    val item, title, status, progress, files, accept, decline, cancel;
    dom::Text title_text, status_text;
    dom::Attribute state;
    dom::Flag accept_hidden, decline_hidden, cancel_hidden;
    std::optional<transfer::TransferView> shown;
};

struct Panel {
    val section = dom::by_id("conversation");
    val title = dom::by_id("conversationTitle");
    val status = dom::by_id("linkStatus");
    val log = dom::by_id("chatLog");
    val form = dom::by_id("chatForm");
    val input = dom::by_id("chatInput");
    val file_input = dom::by_id("fileInput");
    val transfers = dom::by_id("transfers");
    dom::Text title_text, status_text;
    dom::Flag hidden;
    std::string peer;  // whose conversation is drawn
    std::map<std::string, ChatItem> chat;
    std::map<std::string, TransferItem> items;
};

std::optional<Panel> panel;

void on_submit(val event) {
    event.call<void>("preventDefault");
    if (!panel || panel->peer.empty()) return;
    std::string message = panel->input["value"].as<std::string>();
    if (message.empty()) return;
    panel->input.set("value", val(""));
    dispatch(SendChatIntent{panel->peer, std::move(message)});
}

void on_close(val) { dispatch(OpenLinkIntent{""}); }

void on_files_picked(val) {
    if (!panel || panel->peer.empty()) return;
    files::choose(panel->peer, panel->file_input["files"]);
    panel->file_input.set("value", val(""));  // picking the same files again fires change again
}

void on_accept(std::string peer, std::string id, val) { dispatch(AcceptFilesIntent{std::move(peer), std::move(id)}); }
void on_decline(std::string peer, std::string id, val) { dispatch(DeclineFilesIntent{std::move(peer), std::move(id)}); }
void on_cancel(std::string peer, std::string id, val) { dispatch(CancelTransferIntent{std::move(peer), std::move(id)}); }

val button(const char* label, const char* class_name, const char* handler, const std::string& peer,
           const std::string& id) {
    val made = dom::element("button", class_name);
    made.set("type", val("button"));
    made.set("textContent", val(label));
    dom::listen(made, "click", handler, text(peer), text(id));
    return made;
}

const char* link_line(const std::string& link) {
    if (link == "waiting" || link == "connecting") return "Connecting…";
    if (link == "open") return "Connected directly";
    if (link == "reconnecting") return "Reconnecting…";
    if (link == "closed") return "Not connected";
    return "";
}

std::string delivery_line(const link::ChatLine& line) {
    switch (line.delivery) {
        case link::Delivery::sending: return "Sending…";
        case link::Delivery::delivered: return "Delivered";
        case link::Delivery::failed: return line.reason.empty() ? "Not delivered" : "Not delivered: " + line.reason;
    }
    return "";
}

void render_chat(Panel& p, const Conversation& c) {
    std::set<std::string> listed;
    for (const auto& line : c.chat) {
        const std::string key = (line.mine ? "me:" : "them:") + line.id;
        listed.insert(key);
        auto found = p.chat.find(key);
        if (found == p.chat.end()) {
            ChatItem made{dom::element("li", line.mine ? "chat-line mine" : "chat-line"),
                          dom::element("span", "chat-text"), dom::element("span", "chat-meta"), {}, {}};
            made.body.set("textContent", text(line.text));
            made.item.call<void>("append", made.body, made.meta);
            p.log.call<void>("append", made.item);
            found = p.chat.emplace(key, std::move(made)).first;
            p.log.set("scrollTop", p.log["scrollHeight"]);
        }
        ChatItem& item = found->second;
        item.meta_text.set(item.meta, line.mine ? delivery_line(line) : c.peer_name);
        item.delivery.set(item.item, "data-delivery", link::to_string(line.delivery));
    }
    for (auto it = p.chat.begin(); it != p.chat.end();) {
        if (listed.count(it->first)) {
            ++it;
        } else {
            it->second.item.call<void>("remove");
            it = p.chat.erase(it);
        }
    }
}

std::string transfer_title(const transfer::TransferView& t, const std::string& peer_name) {
    const std::string count = t.files.size() == 1 ? "1 file" : std::to_string(t.files.size()) + " files";
    const std::string what = count + ", " + transfer_format::size(t.total);
    return t.direction == transfer::Direction::incoming ? peer_name + " sends " + what : "To " + peer_name + ": " + what;
}

std::string transfer_status(const transfer::TransferView& t, const std::string& peer_name) {
    using transfer::State;
    const bool incoming = t.direction == transfer::Direction::incoming;
    switch (t.state) {
        case State::offered: return incoming ? "Accept these files?" : "Waiting for " + peer_name + " to accept…";
        case State::queued: return "Queued";
        case State::running: {
            const int percent = t.total ? static_cast<int>(t.done * 100 / t.total) : 0;
            std::string line = std::to_string(percent) + "% · " + transfer_format::rate(t.bytes_per_second);
            if (t.eta_seconds >= 0) line += " · " + transfer_format::duration(t.eta_seconds) + " left";
            return line;
        }
        case State::reconnecting: return "Reconnecting… (resumes automatically)";
        case State::done: return incoming ? "Received and verified" : "Sent and verified by " + peer_name;
        case State::declined: return t.reason.empty() ? "Declined" : "Declined: " + t.reason;
        case State::cancelled: return t.reason.empty() ? "Cancelled" : "Cancelled: " + t.reason;
        case State::failed: return "Failed" + (t.reason.empty() ? std::string() : ": " + t.reason);
    }
    return "";
}

void render_files(TransferItem& item, const transfer::TransferView& t) {
    item.files.set("textContent", val(""));
    for (const auto& f : t.files) {
        val li = dom::element("li");
        li.set("textContent", text(f.name + " (" + transfer_format::size(f.size) + ")"));
        if (f.state == transfer::State::failed && !f.reason.empty()) {
            val why = dom::element("span", "chat-meta");
            why.set("textContent", text("failed: " + f.reason));
            li.call<void>("append", why);
        }
        const std::string url = f.sink.empty() ? std::string() : received_files::saved_url(f.sink);
        if (!url.empty()) {
            val save = dom::element("a");
            save.set("href", text(url));
            save.set("download", text(f.name));
            save.set("textContent", val(" Save"));
            save.call<void>("setAttribute", val("aria-label"), text("Save " + f.name));
            li.call<void>("append", save);
        }
        item.files.call<void>("append", li);
    }
}

TransferItem make_transfer(Panel& p, const std::string& id) {
    TransferItem t{dom::element("li", "transfer"), dom::element("strong"), dom::element("span"),
                   dom::element("progress"), dom::element("ul", "transfer-files"),
                   button("Accept", "ok", "onTransferAccept", p.peer, id),
                   button("Decline", "danger", "onTransferDecline", p.peer, id),
                   button("Cancel", "danger", "onTransferCancel", p.peer, id),
                   {}, {}, {}, {}, {}, {}, {}};
    t.status.call<void>("setAttribute", val("role"), val("status"));
    val actions = dom::element("span", "transfer-actions");
    actions.call<void>("append", t.accept, t.decline, t.cancel);
    t.item.call<void>("append", t.title, t.status, t.progress, t.files, actions);
    p.transfers.call<void>("append", t.item);
    return t;
}

void render_transfers(Panel& p, const Conversation& c) {
    std::set<std::string> listed;
    for (const auto& t : c.transfers) {
        listed.insert(t.id);
        auto found = p.items.find(t.id);
        if (found == p.items.end()) found = p.items.emplace(t.id, make_transfer(p, t.id)).first;
        TransferItem& item = found->second;
        if (item.shown && *item.shown == t) continue;
        const bool incoming = t.direction == transfer::Direction::incoming;
        item.title_text.set(item.title, transfer_title(t, c.peer_name));
        item.status_text.set(item.status, transfer_status(t, c.peer_name));
        item.state.set(item.item, "data-state", transfer::to_string(t.state));
        item.item.call<void>("setAttribute", val("data-direction"), val(transfer::to_string(t.direction)));
        // For tests and the benchmark: what a dropped link cost (TransferView::resent).
        item.item.call<void>("setAttribute", val("data-resent"), val(std::to_string(t.resent)));
        item.progress.set("max", static_cast<double>(t.total ? t.total : 1));
        item.progress.set("value", static_cast<double>(t.total ? t.done : (t.state == transfer::State::done ? 1 : 0)));
        item.progress.call<void>("setAttribute", val("aria-label"), text(transfer_title(t, c.peer_name)));
        const bool offered_to_us = incoming && t.state == transfer::State::offered;
        item.accept_hidden.set(item.accept, "hidden", !offered_to_us);
        item.decline_hidden.set(item.decline, "hidden", !offered_to_us);
        item.cancel_hidden.set(item.cancel, "hidden", offered_to_us || transfer::is_finished(t.state));
        if (!item.shown || item.shown->files != t.files) render_files(item, t);
        item.shown = t;
    }
    for (auto it = p.items.begin(); it != p.items.end();) {
        if (listed.count(it->first)) {
            ++it;
        } else {
            it->second.item.call<void>("remove");
            it = p.items.erase(it);
        }
    }
}

}  // namespace

void attach() {
    panel.emplace();
    dom::listen(panel->form, "submit", "onChatSubmit");
    dom::listen(dom::by_id("closeConversation"), "click", "onCloseConversation");
    dom::listen(panel->file_input, "change", "onFilesPicked");
}

void render(const Conversation& c) {
    if (!panel) return;
    Panel& p = *panel;
    p.hidden.set(p.section, "hidden", c.peer_id.empty());
    if (c.peer_id != p.peer) {  // another person: start from an empty panel
        p.log.set("textContent", val(""));
        p.transfers.set("textContent", val(""));
        p.chat.clear();
        p.items.clear();
        p.peer = c.peer_id;
    }
    if (c.peer_id.empty()) return;
    p.title_text.set(p.title, c.peer_name.empty() ? "Chat" : "Chat with " + c.peer_name);
    std::string status = c.peer_online ? link_line(c.link) : "Offline";
    if (!c.link_problem.empty()) status += ": " + c.link_problem;
    p.status_text.set(p.status, status);
    render_chat(p, c);
    render_transfers(p, c);
}

EMSCRIPTEN_BINDINGS(peerline_conversation) {
    emscripten::function("onChatSubmit", &on_submit);
    emscripten::function("onCloseConversation", &on_close);
    emscripten::function("onFilesPicked", &on_files_picked);
    emscripten::function("onTransferAccept", &on_accept);
    emscripten::function("onTransferDecline", &on_decline);
    emscripten::function("onTransferCancel", &on_cancel);
}

}  // namespace peerline::browser::conversation
