#include "link/chat.hpp"

#include <algorithm>

#include "protocol.hpp"

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
    return a.id == b.id && a.mine == b.mine && a.text == b.text && a.delivery == b.delivery;
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
    add(ChatLine{id, true, std::move(body), Delivery::sending});
    if (connected) return wire;
    if (unsent_.size() >= kMaxUnsentChats) {
        lines_.back().delivery = Delivery::failed;
        return std::nullopt;
    }
    unsent_.push_back(std::move(wire));
    return std::nullopt;
}

std::vector<std::string> Chat::take_unsent() { return std::exchange(unsent_, {}); }

Chat::Reply Chat::on_message(const nlohmann::json& message, bool visible) {
    const auto type = message.find("type");
    const auto id = message.find("id");
    if (type == message.end() || !type->is_string()) return {};
    const auto& kind = type->get_ref<const std::string&>();
    if (kind != "chat" && kind != "chat-ack") return {};
    Reply reply{true, std::nullopt};
    if (id == message.end() || !id->is_string() || id->get_ref<const std::string&>().size() > 32) return reply;
    const auto& message_id = id->get_ref<const std::string&>();
    if (kind == "chat-ack") {
        for (auto& line : lines_) {
            if (line.mine && line.id == message_id) line.delivery = Delivery::delivered;
        }
        return reply;
    }
    const auto text = message.find("text");
    if (text == message.end() || !text->is_string()) return reply;
    std::string body = clean(text->get_ref<const std::string&>());
    if (body.empty()) return reply;
    add(ChatLine{message_id, false, std::move(body), Delivery::delivered});
    if (!visible) ++unread_;
    reply.send = protocol::dump_json(nlohmann::json{{"type", "chat-ack"}, {"id", message_id}});
    return reply;
}

void Chat::fail_pending() {
    unsent_.clear();
    for (auto& line : lines_) {
        if (line.mine && line.delivery == Delivery::sending) line.delivery = Delivery::failed;
    }
}

}  // namespace peerline::link
