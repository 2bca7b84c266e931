// The browser's store of voice messages (issue 20, docs/voice.md "Kept in the browser"):
// IndexedDB database "peerline-voice", object store "messages" keyed by Record::key. Executes the
// core's LoadStoredVoices / StoreVoiceMessage / DeleteStoredVoice / MarkStoredVoicePlayed and
// answers StoredVoicesLoaded and VoiceStored. It also holds each message's bytes for the page
// (to play and to download), so the store is read once per visit.
#pragma once

#include <string>

#include "js.hpp"
#include "voice_mail_data.hpp"

namespace peerline::browser::voice_store {

void load();
void put(const voice_mail::Record& record);
void remove(const std::string& key);
void mark_played(const std::string& key);
// The message's bytes as a Uint8Array, or null if this page holds none under `key`.
val bytes(const std::string& key);

}  // namespace peerline::browser::voice_store
