#include "voice_inbox.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include <emscripten/bind.h>

#include "bytes.hpp"
#include "dom.hpp"
#include "voice_js.hpp"

namespace peerline::browser::voice_inbox {
namespace {

struct Card {
    val item = val::null(), label = val::null(), play = val::null(), download = val::null();
    val bytes = val::null();     // Uint8Array, kept for the life of the page
    std::string url;             // object URL of the .opus download
    val audio = val::null();     // decoded once, on the first Play
    val playback = val::null();  // while playing or paused
    bool playing = false;
};

struct Inbox {
    val section = dom::by_id("voiceInbox");
    val list = dom::by_id("voiceMessages");
    dom::Flag hidden;
    std::map<std::string, Card> cards;
    std::map<std::string, val> kept;  // bytes that arrived before the render that lists them
};

std::optional<Inbox> inbox;

Card* card(const std::string& id) {
    auto found = inbox->cards.find(id);
    return found == inbox->cards.end() ? nullptr : &found->second;
}

void start_playback(const std::string& id, Card& c) {
    c.playback = voice_js::api().call<val>("play", c.audio);
    c.playback["done"].call<void>("then", callback("onVoiceCardEnded", text(id)));
    c.playing = true;
    c.play.set("textContent", val("Pause"));
}

void on_play(std::string id, val) {
    Card* c = card(id);
    if (!c) return;
    if (!c->playback.isNull()) {  // pause or resume what is playing
        c->playing = !c->playing;
        c->playback.call<val>(c->playing ? "resume" : "pause");
        c->play.set("textContent", val(c->playing ? "Pause" : "Play"));
        return;
    }
    if (!c->audio.isNull()) return start_playback(id, *c);
    voice_js::api().call<val>("decode", c->bytes)
        .call<void>("then", callback("onVoiceCardDecoded", text(id)), callback("onVoiceCardFailed", text(id)));
}

void cannot_play(Card& c, const std::string& why) {
    c.label.set("textContent", text(c.label["textContent"].as<std::string>() + " (cannot play: " + why + ")"));
    c.play.set("disabled", true);
}

void on_card_failed(std::string id, val error) {
    if (Card* c = card(id)) cannot_play(*c, describe(error));
}

void on_card_decoded(std::string id, val audio) {
    Card* c = card(id);
    if (!c) return;
    if (!audio["ok"].as<bool>()) return cannot_play(*c, audio["error"].as<std::string>());
    // What was decoded, on the card: the length a person hears, and whether it is silent.
    c->item.call<void>("setAttribute", val("data-decoded-seconds"), audio["duration"]);
    c->item.call<void>("setAttribute", val("data-level"), audio["level"]);
    c->audio = audio;
    start_playback(id, *c);
}

void on_card_ended(std::string id, val) {
    Card* c = card(id);
    if (!c) return;
    c->playback = val::null();
    c->playing = false;
    c->play.set("textContent", val("Play"));
}

void add_card(const voice_mail::Note& note) {
    Card c;
    c.item = dom::element("li", "voice-card");
    c.label = dom::element("span", "voice-from");
    c.label.set("textContent", text("From " + note.from_name + ", " + voice_js::minutes_seconds(std::round(note.duration_s))));
    c.play = dom::element("button");
    c.play.set("type", val("button"));
    c.play.set("textContent", val("Play"));
    c.play.call<void>("setAttribute", val("aria-label"), text("Play or pause the voice message from " + note.from_name));
    dom::listen(c.play, "click", "onVoiceCardPlay", text(note.id));
    c.download = dom::element("a", "button-like");
    c.download.set("textContent", val("Download"));
    c.download.call<void>("setAttribute", val("aria-label"), text("Download the voice message from " + note.from_name));
    c.download.set("download", text("voice-message-" + std::to_string(inbox->cards.size() + 1) + ".opus"));
    if (auto kept = inbox->kept.find(note.id); kept != inbox->kept.end()) {
        c.bytes = kept->second;
        inbox->kept.erase(kept);
        val blob = val::global("Blob").new_(array_of(c.bytes), [] {
            val options = val::object();
            options.set("type", val("audio/ogg; codecs=opus"));
            return options;
        }());
        c.download.set("href", val::global("URL").call<val>("createObjectURL", blob));
    } else {
        c.play.set("disabled", true);  // cannot happen: the core keeps before it lists
    }
    c.item.call<void>("append", c.label, c.play, c.download);
    c.item.call<void>("setAttribute", val("data-from"), text(note.from));
    inbox->list.call<void>("prepend", c.item);  // newest first
    inbox->cards.emplace(note.id, std::move(c));
}

}  // namespace

void attach() { inbox.emplace(); }

void render(const std::vector<voice_mail::Note>& received) {
    if (!inbox) return;
    for (const auto& note : received) {
        if (!inbox->cards.count(note.id)) add_card(note);
    }
    // The core keeps the newest few; a card it dropped goes too, with its bytes.
    for (auto it = inbox->cards.begin(); it != inbox->cards.end();) {
        const bool listed = std::any_of(received.begin(), received.end(),
                                        [&](const auto& n) { return n.id == it->first; });
        if (listed) {
            ++it;
            continue;
        }
        if (!it->second.playback.isNull()) it->second.playback.call<void>("stop");
        val::global("URL").call<void>("revokeObjectURL", it->second.download["href"]);
        it->second.item.call<void>("remove");
        it = inbox->cards.erase(it);
    }
    inbox->hidden.set(inbox->section, "hidden", inbox->cards.empty());
}

void keep(const std::string& id, const std::string& ogg) {
    if (inbox) inbox->kept.insert_or_assign(id, bytes::copy(ogg));
}

EMSCRIPTEN_BINDINGS(peerline_voice_inbox) {
    emscripten::function("onVoiceCardPlay", &on_play);
    emscripten::function("onVoiceCardDecoded", &on_card_decoded);
    emscripten::function("onVoiceCardFailed", &on_card_failed);
    emscripten::function("onVoiceCardEnded", &on_card_ended);
}

}  // namespace peerline::browser::voice_inbox
