#include "link/voice_link.hpp"

#include <algorithm>
#include <utility>

#include "json_fields.hpp"
#include "protocol.hpp"
#include "transfer/checksum.hpp"
#include "transfer/names.hpp"

namespace peerline::link {
namespace {

std::optional<std::string> message_id(const nlohmann::json& message) {
    auto id = json_fields::bounded_string(message, "id", kMaxVoiceIdBytes);
    if (!id || id->empty()) return std::nullopt;
    return id;
}

std::optional<std::size_t> count(const nlohmann::json& message, const char* key) {
    const auto found = message.find(key);
    if (found == message.end() || !found->is_number_unsigned()) return std::nullopt;
    return found->get<std::size_t>();
}

std::string refusal(const std::string& id, const char* code, const std::string& reason) {
    nlohmann::json j{{"type", "voice-refused"}, {"code", code}, {"reason", reason}};
    if (!id.empty()) j["id"] = id;
    return protocol::dump_json(j);
}

std::size_t parts_for(std::size_t size, std::size_t part_bytes) { return (size + part_bytes - 1) / part_bytes; }

// The header and the parts of `bytes`; the header says what `fields` say, and the parts' shape.
VoiceLink::Wire wire_of(nlohmann::json fields, std::string_view bytes, std::size_t part_bytes) {
    VoiceLink::Wire wire;
    part_bytes = std::clamp(part_bytes, kMinVoicePartBytes, kMaxVoicePartBytes);
    const std::size_t parts = parts_for(bytes.size(), part_bytes);
    fields["size"] = bytes.size();
    fields["partBytes"] = part_bytes;
    fields["parts"] = parts;
    wire.header = protocol::dump_json(fields);
    for (std::size_t n = 0; n < parts; ++n) wire.parts.emplace_back(bytes.substr(n * part_bytes, part_bytes));
    return wire;
}

}  // namespace

VoiceLink::Wire VoiceLink::encode(const std::string& id, std::string_view ogg, std::size_t max_bytes, std::size_t part_bytes) {
    if (ogg.empty() || ogg.size() > max_bytes) return {};
    return wire_of({{"type", "voice"}, {"id", id}, {"xxh3", transfer::to_hex(transfer::digest_of(ogg))}}, ogg, part_bytes);
}

VoiceLink::Wire VoiceLink::seal(const std::string& sealed_id, std::string_view ogg, const SealKey& key,
                                std::size_t max_bytes, std::size_t part_bytes) {
    if (ogg.empty() || ogg.size() > max_bytes) return {};
    return wire_of({{"type", "voice"}, {"id", sealed_id}, {"sealed", true}}, seal_voice(key, ogg), part_bytes);
}

std::string VoiceLink::opening(const std::string& sealed_id, const std::string& id, const SealKey& key, std::string_view ogg) {
    return protocol::dump_json(nlohmann::json{{"type", "voice-open"},
                                              {"sealed", sealed_id},
                                              {"id", id},
                                              {"key", key_to_hex(key)},
                                              {"xxh3", transfer::to_hex(transfer::digest_of(ogg))}});
}

std::string VoiceLink::withdrawal(const std::string& sealed_id) {
    return protocol::dump_json(nlohmann::json{{"type", "voice-withdrawn"}, {"sealed", sealed_id}});
}

std::string VoiceLink::features() { return protocol::dump_json(nlohmann::json{{"type", "voice-features"}, {"sealed", true}}); }

void VoiceLink::sent(const std::string& id) {
    if (std::find(unanswered_.begin(), unanswered_.end(), id) == unanswered_.end()) unanswered_.push_back(id);
}

VoiceLink::Reply VoiceLink::on_message(const nlohmann::json& message, std::size_t max_bytes) {
    const auto type = message.find("type");
    if (type == message.end() || !type->is_string()) return {};
    const auto& kind = type->get_ref<const std::string&>();
    if (kind == "voice") return Reply{true, on_header(message, max_bytes)};
    if (kind == "voice-open") return Reply{true, on_open(message)};
    if (kind == "voice-withdrawn") {
        on_withdrawn(message);
        return Reply{true, std::nullopt};
    }
    if (kind == "voice-features") {
        peer_takes_sealed_ = json_fields::boolean(message, "sealed");
        return Reply{true, std::nullopt};
    }
    if (kind == "voice-ack" || kind == "voice-refused") {
        on_answer(message, kind == "voice-ack");
        return Reply{true, std::nullopt};  // answers are never answered: no ping-pong
    }
    return {};
}

std::optional<std::string> VoiceLink::on_header(const nlohmann::json& message, std::size_t max_bytes) {
    // A header while another message is still arriving: its sender gave that one up (a send()
    // that threw); its parts so far are dropped and it is never answered.
    assembling_.reset();
    const auto id = message_id(message);
    const auto size = count(message, "size");
    const auto part_bytes = count(message, "partBytes");
    const auto parts = count(message, "parts");
    // A sealed message's checksum comes with its key (voice-open): before that it would tell
    // whoever guesses the recording that they guessed right.
    const bool sealed = json_fields::boolean(message, "sealed");
    auto xxh3 = sealed ? std::optional<std::string>("") : json_fields::bounded_string(message, "xxh3", 32);
    if (!id || !size || !part_bytes || !parts || !xxh3 || (!sealed && xxh3->size() != 32)) {
        return refusal(id.value_or(""), voice_refusal::kMalformed,
                       "a voice message needs `id`, `size`, `partBytes`, `parts` and a 32-digit `xxh3` (or `sealed`)");
    }
    if (*size == 0 || *size > max_bytes) {
        return refusal(*id, voice_refusal::kTooLarge,
                       "a voice message is 1 to " + std::to_string(max_bytes) + " bytes; this one says " + std::to_string(*size));
    }
    if (*part_bytes < kMinVoicePartBytes || *part_bytes > kMaxVoicePartBytes || *parts != parts_for(*size, *part_bytes)) {
        return refusal(*id, voice_refusal::kMalformed,
                       "`partBytes` must be " + std::to_string(kMinVoicePartBytes) + "-" + std::to_string(kMaxVoicePartBytes) +
                           " and `parts` the size in parts of that many bytes");
    }
    assembling_ = Assembly{*id, *size, *part_bytes, *parts, 0, std::move(*xxh3), sealed, {}};
    assembling_->bytes.reserve(*size);
    return std::nullopt;
}

std::optional<std::string> VoiceLink::on_part(std::string_view bytes) {
    if (!assembling_) return refusal("", voice_refusal::kOutOfOrder, "a binary message on the control channel without a voice header");
    Assembly& a = *assembling_;
    const bool last = a.parts_seen + 1 == a.parts;
    const std::size_t due = last ? a.size - a.bytes.size() : a.part_bytes;
    if (bytes.size() != due) {
        auto answer = refusal(a.id, voice_refusal::kMalformed, "part " + std::to_string(a.parts_seen) + " has " +
                                                                    std::to_string(bytes.size()) + " bytes, not " + std::to_string(due));
        assembling_.reset();
        return answer;
    }
    a.bytes.append(bytes);
    if (++a.parts_seen < a.parts) return std::nullopt;
    Assembly whole = std::move(*assembling_);
    assembling_.reset();
    if (whole.sealed) {
        sealed_ = Sealed{std::move(whole.id), std::move(whole.bytes)};
        return std::nullopt;  // answered once opened
    }
    if (transfer::to_hex(transfer::digest_of(whole.bytes)) != whole.xxh3) {
        return refusal(whole.id, voice_refusal::kChecksum, "the bytes that arrived are not the ones sent (XXH3-128 differs)");
    }
    arrivals_.push_back(VoiceArrival{std::move(whole.id), std::move(whole.bytes)});
    return std::nullopt;
}

std::optional<std::string> VoiceLink::on_open(const nlohmann::json& message) {
    const auto sealed_id = json_fields::bounded_string(message, "sealed", kMaxVoiceIdBytes);
    const auto id = message_id(message);
    const auto key_hex = json_fields::bounded_string(message, "key", 64);
    auto xxh3 = json_fields::bounded_string(message, "xxh3", 32);
    SealKey key{};
    if (!sealed_id || !id || !key_hex || !key_from_hex(*key_hex, key) || !xxh3 || xxh3->size() != 32) {
        return refusal(id.value_or(""), voice_refusal::kMalformed,
                       "an opening needs `sealed`, `id`, a 64-digit `key` and a 32-digit `xxh3`");
    }
    if (!sealed_ || sealed_->id != *sealed_id) {
        return refusal(*id, voice_refusal::kNotSealed, "no sealed voice message " + *sealed_id + " arrived whole");
    }
    std::string bytes = open_voice(key, sealed_->bytes);
    sealed_.reset();
    if (transfer::to_hex(transfer::digest_of(bytes)) != *xxh3) {
        return refusal(*id, voice_refusal::kChecksum, "the opened bytes are not the ones recorded (XXH3-128 differs)");
    }
    arrivals_.push_back(VoiceArrival{*id, std::move(bytes)});
    return std::nullopt;
}

void VoiceLink::on_withdrawn(const nlohmann::json& message) {
    const auto sealed_id = json_fields::bounded_string(message, "sealed", kMaxVoiceIdBytes);
    if (!sealed_id) return;
    if (sealed_ && sealed_->id == *sealed_id) sealed_.reset();
    if (assembling_ && assembling_->sealed && assembling_->id == *sealed_id) assembling_.reset();
}

std::string VoiceLink::answer(const std::string& id, const std::optional<Error>& refused) {
    if (!refused) return protocol::dump_json(nlohmann::json{{"type", "voice-ack"}, {"id", id}});
    return protocol::dump_json(nlohmann::json{{"type", "voice-refused"}, {"id", id}, {"code", refused->code}, {"reason", refused->message}});
}

void VoiceLink::on_answer(const nlohmann::json& message, bool ack) {
    const auto id = message_id(message);
    if (!id || std::find(unanswered_.begin(), unanswered_.end(), *id) == unanswered_.end()) return;
    if (ack) return finish(*id, VoiceOutcome{*id, true, true, {}, {}});
    const auto code = json_fields::bounded_string(message, "code", 64).value_or("");
    const auto reason = json_fields::bounded_string(message, "reason", 4000);
    // Their page already has this message: our earlier ack was lost, the message was not.
    if (code == voice_refusal::kDuplicate) return finish(*id, VoiceOutcome{*id, true, true, code, {}});
    finish(*id, VoiceOutcome{*id, false, true, code,
                             "refused by their page: " + (reason ? transfer::clean_reason(*reason) : std::string("no reason given"))});
}

void VoiceLink::finish(const std::string& id, VoiceOutcome outcome) {
    unanswered_.erase(std::remove(unanswered_.begin(), unanswered_.end(), id), unanswered_.end());
    outcomes_.push_back(std::move(outcome));
}

void VoiceLink::fail_unanswered(const std::string& reason) {
    for (auto& id : std::exchange(unanswered_, {})) outcomes_.push_back(VoiceOutcome{id, false, false, {}, reason});
    assembling_.reset();
}

VoiceLink::SendFailure VoiceLink::on_send_failed(const std::string& head, bool binary, const std::string& reason) {
    std::optional<std::string> id;
    if (binary) {
        // A part: parts go out right after their header, so it belongs to the message sent last.
        if (unanswered_.empty()) return {true, {}};
        id = unanswered_.back();
    } else {
        auto message = nlohmann::json::parse(head, nullptr, false);
        if (!message.is_object() || message.value("type", "") != "voice") return {};
        id = message_id(message);
    }
    if (!id || std::find(unanswered_.begin(), unanswered_.end(), *id) == unanswered_.end()) return {true, {}};
    finish(*id, VoiceOutcome{*id, false, false, {}, reason});
    return {true, *id};
}

}  // namespace peerline::link
