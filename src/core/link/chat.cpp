#include "link/chat.hpp"

#include <algorithm>

#include "protocol.hpp"
#include "transfer/names.hpp"

namespace peerline::link {

const char* to_string(Delivery delivery) {
    switch (delivery) {
        case Delivery::sending: return "sending";
        case Delivery::delivered: return "delivered";
        case Delivery::failed: return "failed";
    }
    return "sending";
}

bool operator==(const ChatLine& a, const ChatLine& b) {
    return a.id == b.id && a.mine == b.mine && a.text == b.text && a.delivery == b.delivery &&
           a.reason == b.reason;
}

namespace {
// Trims surrounding whitespace; caps the length on a UTF-8 boundary.
std::string clean(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    std::string s = text.substr(first, last - first + 1);
    if (s.size() > kMaxChatBytes) {
        std::size_t cut = kMaxChatBytes;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
        s.resize(cut);
    }
    return s;
}
}  // namespace

void Chat::add(ChatLine line) {
    lines_.push_back(std::move(line));
    while (lines_.size() > kChatHistory) lines_.pop_front();
}

std::optional<std::string> Chat::write(const std::string& text, bool connected) {
    std::string body = clean(text);
    if (body.empty()) return std::nullopt;
    std::string id = "m" + std::to_string(next_id_++);
    // dump_json replaces invalid UTF-8 instead of throwing.
    std::string wire = protocol::dump_json(nlohmann::json{{"type", "chat"}, {"id", id}, {"text", body}});
    add(ChatLine{id, true, std::move(body), Delivery::sending, {}});
    if (connected) return wire;
    if (unsent_.size() >= kMaxUnsentChats) {
        lines_.back().delivery = Delivery::failed;
        lines_.back().reason = "too many messages waiting for the connection";
        return std::nullopt;
    }
    unsent_.push_back(std::move(wire));
    return std::nullopt;
}

std::vector<std::string> Chat::take_unsent() { return std::exchange(unsent_, {}); }

namespace {
const std::string* usable_id(const nlohmann::json& message) {
    const auto id = message.find("id");
    if (id == message.end() || !id->is_string()) return nullptr;
    const auto& s = id->get_ref<const std::string&>();
    return s.empty() || s.size() > kMaxChatIdBytes ? nullptr : &s;
}

// docs/protocol.md "Data links": a chat message we do not take is answered, never dropped in
// silence, so the sender's page can say "Not delivered" and why.
std::string refusal(const std::string* id, const std::string& reason) {
    nlohmann::json j{{"type", "chat-refused"}, {"reason", reason}};
    if (id) j["id"] = *id;
    return protocol::dump_json(j);
}
}  // namespace

Chat::Reply Chat::on_message(const nlohmann::json& message, bool visible) {
    const auto type = message.find("type");
    if (type == message.end() || !type->is_string()) return {};
    const auto& kind = type->get_ref<const std::string&>();
    if (kind != "chat" && kind != "chat-ack" && kind != "chat-refused") return {};
    Reply reply{true, std::nullopt};
    const std::string* message_id = usable_id(message);
    if (kind == "chat-ack" || kind == "chat-refused") {
        if (!message_id) return reply;  // answers are never answered: no ping-pong
        if (kind == "chat-ack") {
            for (auto& line : lines_) {
                if (line.mine && line.id == *message_id) line.delivery = Delivery::delivered;
            }
        } else {
            const auto why = message.find("reason");
            const bool given = why != message.end() && why->is_string();
            fail(*message_id, "refused by their page: " +
                                  (given ? transfer::clean_reason(why->get_ref<const std::string&>()) : "no reason given"));
        }
        return reply;
    }
    if (!message_id) {
        reply.send = refusal(nullptr, "a chat message needs an `id` string of 1-" + std::to_string(kMaxChatIdBytes) + " bytes");
        return reply;
    }
    const auto text = message.find("text");
    if (text == message.end() || !text->is_string()) {
        reply.send = refusal(message_id, "a chat message needs a `text` string");
        return reply;
    }
    std::string body = clean(text->get_ref<const std::string&>());
    if (body.empty()) {
        reply.send = refusal(message_id, "the message is empty");
        return reply;
    }
    add(ChatLine{*message_id, false, std::move(body), Delivery::delivered, {}});
    if (!visible) ++unread_;
    reply.send = protocol::dump_json(nlohmann::json{{"type", "chat-ack"}, {"id", *message_id}});
    return reply;
}

void Chat::fail(const std::string& id, const std::string& reason) {
    for (auto& line : lines_) {
        if (line.mine && line.id == id && line.delivery == Delivery::sending) {
            line.delivery = Delivery::failed;
            line.reason = reason;
        }
    }
}

void Chat::fail_pending(const std::string& reason) {
    unsent_.clear();
    for (auto& line : lines_) {
        if (line.mine && line.delivery == Delivery::sending) {
            line.delivery = Delivery::failed;
            line.reason = reason;
        }
    }
}

bool Chat::on_send_failed(const std::string& wire, const std::string& reason) {
    auto message = nlohmann::json::parse(wire, nullptr, false);
    if (!message.is_object() || message.value("type", "") != "chat") return false;
    const std::string* id = usable_id(message);
    if (!id) return false;
    fail(*id, reason);
    return true;
}

}  // namespace peerline::link
