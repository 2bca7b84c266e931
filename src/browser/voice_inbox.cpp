#include "voice_inbox.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include <emscripten/bind.h>

#include "bytes.hpp"
#include "dom.hpp"
#include "shell.hpp"
#include "voice_js.hpp"
#include "voice_store.hpp"

namespace peerline::browser::voice_inbox {
namespace {

struct Card {
    val item = val::null(), label = val::null(), play = val::null(), download = val::null(), remove = val::null();
    val fresh = val::null();     // the "New" mark until played
    dom::Flag fresh_hidden;
    std::string name;            // the sender's, for labels
    std::string length;          // "0:03"
    val bytes = val::null();     // Uint8Array, kept while the card is listed
    val audio = val::null();     // decoded PCM while playing or paused; dropped at the end
    val playback = val::null();  // while playing or paused
    bool playing = false;
    bool decoding = false;       // a Play is waiting for the decoder
};

// One of ours, not delivered yet.
struct OutCard {
    val item = val::null(), label = val::null(), status = val::null();
    dom::Text status_text;
};

struct Inbox {
    val section = dom::by_id("voiceInbox");
    val list = dom::by_id("voiceMessages");
    dom::Flag hidden;
    std::map<std::string, Card> cards;
    std::map<std::string, OutCard> out_cards;
    val announce = dom::by_id("voiceAnnounce");
    dom::Text announce_text;
    val notice = dom::by_id("voiceNotice");
    dom::Text notice_text;
    dom::Flag notice_hidden;
};

std::optional<Inbox> inbox;

Card* card(const std::string& id) {
    auto found = inbox->cards.find(id);
    return found == inbox->cards.end() ? nullptr : &found->second;
}

// The button says what a click does, and its accessible name says whose message it is.
void show_playing(Card& c, bool playing) {
    c.playing = playing;
    c.play.set("textContent", val(playing ? "Pause" : "Play"));
    c.play.call<void>("setAttribute", val("aria-label"),
                      text(std::string(playing ? "Pause" : "Play") + " the voice message from " + c.name + ", " + c.length));
}

void start_playback(const std::string& id, Card& c) {
    c.playback = voice_js::api().call<val>("play", c.audio);
    c.playback["done"].call<void>("then", callback("onVoiceCardEnded", text(id)));
    show_playing(c, true);
}

void on_play(std::string id, val) {
    Card* c = card(id);
    if (!c) return;
    if (!c->playback.isNull()) {  // pause or resume what is playing
        c->playback.call<val>(c->playing ? "pause" : "resume");
        return show_playing(*c, !c->playing);
    }
    if (c->decoding) return;  // a second click while the first decode runs
    c->decoding = true;
    dispatch(VoicePlayedIntent{id});
    voice_js::api().call<val>("decode", c->bytes)
        .call<void>("then", callback("onVoiceCardDecoded", text(id)), callback("onVoiceCardFailed", text(id)));
}

void cannot_play(Card& c, const std::string& why) {
    c.label.set("textContent", text(c.label["textContent"].as<std::string>() + " (cannot play: " + why + ")"));
    c.play.set("disabled", true);
}

void on_card_failed(std::string id, val error) {
    if (Card* c = card(id)) {
        c->decoding = false;
        cannot_play(*c, describe(error));
    }
}

void on_card_decoded(std::string id, val audio) {
    Card* c = card(id);
    if (!c) return;
    c->decoding = false;
    if (!audio["ok"].as<bool>()) return cannot_play(*c, audio["error"].as<std::string>());
    // What was decoded, on the card: the length a person hears, and whether it is silent.
    c->item.call<void>("setAttribute", val("data-decoded-seconds"), audio["duration"]);
    c->item.call<void>("setAttribute", val("data-level"), audio["level"]);
    // The label shows the length of the audio itself, not what the sender's header claimed.
    c->length = voice_js::minutes_seconds(std::round(audio["duration"].as<double>()));
    c->label.set("textContent", text("From " + c->name + ", " + c->length));
    c->audio = audio;
    start_playback(id, *c);
}

void on_card_ended(std::string id, val) {
    Card* c = card(id);
    if (!c) return;
    c->playback = val::null();
    c->audio = val::null();  // up to 11.5 MB of PCM a minute: decoded again on the next Play
    show_playing(*c, false);
}

val download_link(const std::string& key, const std::string& label, const val& data) {
    val link = dom::element("a", "button-like");
    link.set("textContent", val("Download"));
    link.call<void>("setAttribute", val("aria-label"), text("Download " + label));
    // Named by its key ("in/<sender>/<id>"): "voice-message-in-<sender>-<id>.opus".
    std::string file = "voice-message-" + key + ".opus";
    std::replace(file.begin(), file.end(), '/', '-');
    link.set("download", text(file));
    val options = val::object();
    options.set("type", val("audio/ogg; codecs=opus"));
    link.set("href", val::global("URL").call<val>("createObjectURL", val::global("Blob").new_(array_of(data), options)));
    return link;
}

val delete_button(const std::string& key, const std::string& label) {
    val button = dom::element("button", "toggle");
    button.set("type", val("button"));
    button.set("textContent", val("Delete"));
    button.call<void>("setAttribute", val("aria-label"), text("Delete " + label));
    dom::listen(button, "click", "onVoiceCardDelete", text(key));
    return button;
}

void add_card(const voice_mail::Note& note) {
    Card c;
    c.name = note.from_name;
    c.length = voice_js::minutes_seconds(std::round(note.duration_s));
    c.bytes = voice_store::bytes(note.key);
    c.item = dom::element("li", "voice-card");
    c.label = dom::element("span", "voice-from");
    c.label.set("textContent", text("From " + c.name + ", " + c.length));
    val time = dom::element("time", "voice-when");
    time.set("textContent", text(dom::when(note.at_ms)));
    c.fresh = dom::element("span", "voice-new");
    c.fresh.set("textContent", val("New"));
    c.play = dom::element("button");
    c.play.set("type", val("button"));
    show_playing(c, false);
    dom::listen(c.play, "click", "onVoiceCardPlay", text(note.key));
    const std::string label = "the voice message from " + c.name + ", " + c.length;
    c.remove = delete_button(note.key, label);
    if (c.bytes.isNull()) {
        c.play.set("disabled", true);  // cannot happen: the store holds what the core lists
        c.download = dom::element("span");
    } else {
        c.download = download_link(note.key, label, c.bytes);
    }
    c.item.call<void>("append", c.label, time, c.fresh, c.play, c.download, c.remove);
    c.item.call<void>("setAttribute", val("data-from"), text(note.from));
    c.item.call<void>("setAttribute", val("data-key"), text(note.key));
    inbox->list.call<void>("prepend", c.item);  // newest first
    if (!note.played) inbox->announce_text.set(inbox->announce, "New voice message from " + c.name + ", " + c.length);
    inbox->cards.emplace(note.key, std::move(c));
}

std::string unsent_status(const voice_mail::Unsent& u) {
    switch (u.state) {
        case voice_mail::Unsent::State::sending: return "Sending…";
        case voice_mail::Unsent::State::waiting: return "Not delivered yet — " + u.detail;
        case voice_mail::Unsent::State::refused: return "Not delivered: " + u.detail;
    }
    return "";
}

void add_out_card(const voice_mail::Unsent& u) {
    OutCard c;
    const std::string length = voice_js::minutes_seconds(std::round(u.duration_s));
    c.item = dom::element("li", "voice-card voice-unsent");
    c.label = dom::element("span", "voice-from");
    c.label.set("textContent", text("To " + u.to_name + ", " + length));
    c.status = dom::element("span", "voice-status");
    const std::string label = "your voice message to " + u.to_name + ", " + length;
    val data = voice_store::bytes(u.key);
    c.item.call<void>("append", c.label, c.status);
    if (!data.isNull()) c.item.call<void>("append", download_link(u.key, label, data));
    c.item.call<void>("append", delete_button(u.key, label));
    c.item.call<void>("setAttribute", val("data-key"), text(u.key));
    inbox->list.call<void>("append", c.item);  // below the received ones
    inbox->out_cards.emplace(u.key, std::move(c));
}

void drop_card(Card& c) {
    if (!c.playback.isNull()) c.playback.call<void>("stop");
    if (c.download["href"].isString()) val::global("URL").call<void>("revokeObjectURL", c.download["href"]);
    c.item.call<void>("remove");
}

void on_delete(std::string key, val) { dispatch(DeleteVoiceIntent{key}); }

}  // namespace

void attach() { inbox.emplace(); }

void render(const VoicePanel& voice) {
    if (!inbox) return;
    for (const auto& note : voice.received) {
        if (!inbox->cards.count(note.key)) add_card(note);
        Card& c = inbox->cards.at(note.key);
        c.fresh_hidden.set(c.fresh, "hidden", note.played);
    }
    // The core keeps what it lists; a card it dropped (deleted, over the caps) goes too.
    for (auto it = inbox->cards.begin(); it != inbox->cards.end();) {
        const bool listed = std::any_of(voice.received.begin(), voice.received.end(), [&](const auto& n) { return n.key == it->first; });
        if (listed) {
            ++it;
            continue;
        }
        drop_card(it->second);
        it = inbox->cards.erase(it);
    }
    // Ours are listed once they wait or were refused; while one is on its way, the recorder's
    // status says so (and a card made and dropped within milliseconds would only cost time).
    auto listed_unsent = [](const voice_mail::Unsent& u) { return u.state != voice_mail::Unsent::State::sending; };
    for (const auto& u : voice.unsent) {
        if (!listed_unsent(u)) continue;
        if (!inbox->out_cards.count(u.key)) add_out_card(u);
        OutCard& c = inbox->out_cards.at(u.key);
        c.status_text.set(c.status, unsent_status(u));
    }
    for (auto it = inbox->out_cards.begin(); it != inbox->out_cards.end();) {
        const bool listed = std::any_of(voice.unsent.begin(), voice.unsent.end(),
                                        [&](const auto& u) { return u.key == it->first && listed_unsent(u); });
        if (listed) {
            ++it;
            continue;
        }
        it->second.item.call<void>("remove");
        it = inbox->out_cards.erase(it);
    }
    inbox->notice_text.set(inbox->notice, voice.notice);
    inbox->notice_hidden.set(inbox->notice, "hidden", voice.notice.empty());
    inbox->hidden.set(inbox->section, "hidden", inbox->cards.empty() && inbox->out_cards.empty() && voice.notice.empty());
}

EMSCRIPTEN_BINDINGS(peerline_voice_inbox) {
    emscripten::function("onVoiceCardPlay", &on_play);
    emscripten::function("onVoiceCardDecoded", &on_card_decoded);
    emscripten::function("onVoiceCardFailed", &on_card_failed);
    emscripten::function("onVoiceCardEnded", &on_card_ended);
    emscripten::function("onVoiceCardDelete", &on_delete);
}

}  // namespace peerline::browser::voice_inbox
