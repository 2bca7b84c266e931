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
    std::string name;            // the sender's, for labels
    std::string length;          // "0:03"
    val bytes = val::null();     // Uint8Array, kept while the card is listed
    val audio = val::null();     // decoded PCM while playing or paused; dropped at the end
    val playback = val::null();  // while playing or paused
    bool playing = false;
    bool decoding = false;       // a Play is waiting for the decoder
};

struct Inbox {
    val section = dom::by_id("voiceInbox");
    val list = dom::by_id("voiceMessages");
    dom::Flag hidden;
    std::map<std::string, Card> cards;
    std::map<std::string, val> kept;  // bytes that arrived before the render that lists them
    val announce = dom::by_id("voiceAnnounce");
    dom::Text announce_text;
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

void add_card(const voice_mail::Note& note) {
    Card c;
    c.name = note.from_name;
    c.length = voice_js::minutes_seconds(std::round(note.duration_s));
    c.item = dom::element("li", "voice-card");
    c.label = dom::element("span", "voice-from");
    c.label.set("textContent", text("From " + c.name + ", " + c.length));
    c.play = dom::element("button");
    c.play.set("type", val("button"));
    show_playing(c, false);
    dom::listen(c.play, "click", "onVoiceCardPlay", text(note.id));
    c.download = dom::element("a", "button-like");
    c.download.set("textContent", val("Download"));
    c.download.call<void>("setAttribute", val("aria-label"),
                          text("Download the voice message from " + c.name + ", " + c.length));
    // Named by its id ("<sender>/v<n>"), unique for the page: "voice-message-<sender>-v<n>.opus".
    std::string file = "voice-message-" + note.id + ".opus";
    std::replace(file.begin(), file.end(), '/', '-');
    c.download.set("download", text(file));
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
    inbox->announce_text.set(inbox->announce, "New voice message from " + c.name + ", " + c.length);
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
