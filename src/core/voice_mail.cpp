#include "voice_mail.hpp"

#include <utility>

#include "json_fields.hpp"
#include "protocol.hpp"
#include "voice/inspect.hpp"

namespace peerline::voice_mail {

Result<Outgoing> compose(const std::string& to, const std::string& id, std::string_view ogg,
                         std::size_t max_frame_bytes) {
    auto info = voice::inspect(ogg);
    if (!info) return info.error();
    std::string frame = protocol::make_binary_frame(nlohmann::json{{"to", to}, {"kind", kKind}, {"id", id}}, ogg);
    if (frame.size() > max_frame_bytes) {
        return make_error("voice-too-large", "The message is too large to send (" + std::to_string(frame.size() / 1024) +
                                                 " KiB; the server takes " + std::to_string(max_frame_bytes / 1024) + " KiB).");
    }
    return Outgoing{std::move(frame), info.value().duration_s};
}

Result<Incoming> receive(std::string_view frame) {
    auto parsed = protocol::parse_binary_frame(frame);
    if (!parsed) return parsed.error();
    const auto& header = parsed.value().header;
    auto field = [&](const char* key) { return json_fields::bounded_string(header, key, 128).value_or(""); };
    if (field("kind") != kKind) return make_error("not-voice", "A binary message that is not a voice message.");
    const std::string from = field("from"), id = field("id");
    if (from.empty() || id.empty()) return make_error("bad-frame", "A voice message without sender or id.");
    auto info = voice::inspect(parsed.value().payload);
    if (!info) return info.error();
    return Incoming{from + "/" + id, from, std::string(parsed.value().payload), info.value().duration_s};
}

bool operator==(const Note& a, const Note& b) {
    return a.id == b.id && a.from == b.from && a.from_name == b.from_name && a.duration_s == b.duration_s;
}
bool operator==(const Outbox& a, const Outbox& b) {
    return a.to == b.to && a.to_name == b.to_name && a.state == b.state && a.detail == b.detail;
}

std::optional<std::string> Mailbox::send(const std::string& to, const std::string& to_name, Reach reach,
                                         std::string_view ogg, std::size_t max_frame_bytes) {
    outbox_ = Outbox{to, to_name, Outbox::State::failed, {}};
    if (reach == Reach::we_are_offline) {
        outbox_.detail = "you are offline; send it again once you are back online.";
        return std::nullopt;
    }
    if (reach == Reach::peer_gone) {
        outbox_.detail = to_name + " is no longer online; the message was not sent.";
        return std::nullopt;
    }
    auto composed = compose(to, "v" + std::to_string(++sent_), ogg, max_frame_bytes);
    if (!composed) {
        outbox_.detail = composed.error().message;
        return std::nullopt;
    }
    outbox_.state = Outbox::State::sent;
    return std::move(composed).value().frame;
}

void Mailbox::on_refused(const std::string& reason) {
    if (outbox_.state != Outbox::State::sent) return;
    outbox_.state = Outbox::State::failed;
    outbox_.detail = "Not delivered: " + reason;
}

Result<Incoming> Mailbox::receive(std::string_view frame,
                                  const std::function<std::optional<std::string>(const std::string&)>& name_of) {
    auto message = voice_mail::receive(frame);
    if (!message) return message;
    const auto& m = message.value();
    const auto from_name = name_of(m.from);
    if (!from_name) return make_error("voice-stranger", "A voice message from someone who shares no room with us.");
    // A sender repeating an id replaces nothing: ids are per sender and counted up.
    for (const auto& n : notes_) {
        if (n.id == m.id) return make_error("voice-duplicate", "A voice message that already arrived.");
    }
    notes_.push_back(Note{m.id, m.from, *from_name, m.duration_s});
    if (notes_.size() > kMaxNotes) notes_.erase(notes_.begin());
    return message;
}

}  // namespace peerline::voice_mail
