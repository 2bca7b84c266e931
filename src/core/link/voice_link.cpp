#include "link/voice_link.hpp"

#include <algorithm>
#include <utility>

#include "base64.hpp"
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

std::size_t parts_for(std::size_t size) { return (size + kVoicePartBytes - 1) / kVoicePartBytes; }

}  // namespace

std::vector<std::string> VoiceLink::encode(const std::string& id, std::string_view ogg, std::size_t max_bytes) {
    std::vector<std::string> wire;
    if (ogg.empty() || ogg.size() > max_bytes) return wire;
    const std::size_t parts = parts_for(ogg.size());
    wire.push_back(protocol::dump_json(nlohmann::json{{"type", "voice"},
                                                      {"id", id},
                                                      {"size", ogg.size()},
                                                      {"parts", parts},
                                                      {"xxh3", transfer::to_hex(transfer::digest_of(ogg))}}));
    for (std::size_t n = 0; n < parts; ++n) {
        const auto piece = ogg.substr(n * kVoicePartBytes, kVoicePartBytes);
        wire.push_back(protocol::dump_json(nlohmann::json{{"type", "voice-part"}, {"id", id}, {"n", n}, {"data", base64::encode(piece)}}));
    }
    return wire;
}

void VoiceLink::sent(const std::string& id) {
    if (std::find(unanswered_.begin(), unanswered_.end(), id) == unanswered_.end()) unanswered_.push_back(id);
}

VoiceLink::Reply VoiceLink::on_message(const nlohmann::json& message, std::size_t max_bytes) {
    const auto type = message.find("type");
    if (type == message.end() || !type->is_string()) return {};
    const auto& kind = type->get_ref<const std::string&>();
    if (kind == "voice") return Reply{true, on_header(message, max_bytes)};
    if (kind == "voice-part") return Reply{true, on_part(message)};
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
    const auto parts = count(message, "parts");
    auto xxh3 = json_fields::bounded_string(message, "xxh3", 32);
    if (!id || !size || !parts || !xxh3 || xxh3->size() != 32) {
        return refusal(id.value_or(""), voice_refusal::kMalformed,
                       "a voice message needs `id`, `size`, `parts` and a 32-digit `xxh3`");
    }
    if (*size == 0 || *size > max_bytes) {
        return refusal(*id, voice_refusal::kTooLarge,
                       "a voice message is 1 to " + std::to_string(max_bytes) + " bytes; this one says " + std::to_string(*size));
    }
    if (*parts != parts_for(*size)) {
        return refusal(*id, voice_refusal::kMalformed, "`parts` must be the size in " + std::to_string(kVoicePartBytes) + "-byte parts");
    }
    assembling_ = Assembly{*id, *size, *parts, std::move(*xxh3), {}};
    assembling_->bytes.reserve(*size);
    return std::nullopt;
}

std::optional<std::string> VoiceLink::on_part(const nlohmann::json& message) {
    const auto id = message_id(message);
    const auto n = count(message, "n");
    if (!id || !n) return refusal(id.value_or(""), voice_refusal::kMalformed, "a voice part needs `id` and `n`");
    if (!assembling_ || assembling_->id != *id) {
        return refusal(*id, voice_refusal::kOutOfOrder, "a voice part without its header");
    }
    Assembly& a = *assembling_;
    const std::size_t expected = a.bytes.size() / kVoicePartBytes;
    const auto data = json_fields::bounded_string(message, "data", (kVoicePartBytes + 2) / 3 * 4);
    auto bytes = data ? base64::decode(*data) : std::nullopt;
    std::optional<std::string> problem;
    if (*n != expected) {
        problem = refusal(*id, voice_refusal::kOutOfOrder, "part " + std::to_string(*n) + " came where part " + std::to_string(expected) + " was due");
    } else if (!bytes) {
        problem = refusal(*id, voice_refusal::kMalformed, "part " + std::to_string(*n) + " is not base64 of at most " + std::to_string(kVoicePartBytes) + " bytes");
    } else if (a.bytes.size() + bytes->size() > a.size || (*n + 1 < a.parts && bytes->size() != kVoicePartBytes)) {
        problem = refusal(*id, voice_refusal::kMalformed, "part " + std::to_string(*n) + " has the wrong length");
    }
    if (problem) {
        assembling_.reset();
        return problem;
    }
    a.bytes += *bytes;
    if (*n + 1 < a.parts) return std::nullopt;
    Assembly whole = std::move(*assembling_);
    assembling_.reset();
    if (whole.bytes.size() != whole.size) {
        return refusal(whole.id, voice_refusal::kMalformed, "the parts add up to " + std::to_string(whole.bytes.size()) + " bytes, not " + std::to_string(whole.size));
    }
    if (transfer::to_hex(transfer::digest_of(whole.bytes)) != whole.xxh3) {
        return refusal(whole.id, voice_refusal::kChecksum, "the bytes that arrived are not the ones sent (XXH3-128 differs)");
    }
    arrivals_.push_back(VoiceArrival{std::move(whole.id), std::move(whole.bytes)});
    return std::nullopt;
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
    // Their page already keeps this message: our earlier ack was lost, the message was not.
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

bool VoiceLink::on_send_failed(const std::string& wire, const std::string& reason) {
    auto message = nlohmann::json::parse(wire, nullptr, false);
    if (!message.is_object()) return false;
    const auto type = message.value("type", "");
    if (type != "voice" && type != "voice-part") return false;
    const auto id = message_id(message);
    if (id && std::find(unanswered_.begin(), unanswered_.end(), *id) != unanswered_.end()) {
        finish(*id, VoiceOutcome{*id, false, false, {}, reason});
    }
    return true;
}

}  // namespace peerline::link
