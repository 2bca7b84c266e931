// The chat with one peer over its data link's control channel: messages with delivery
// acknowledgements, an unread count, and a bounded history (docs/transfer.md "Control channel").
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace peerline::link {

constexpr std::size_t kMaxChatBytes = 4000;    // one message, UTF-8
constexpr std::size_t kChatHistory = 200;      // lines kept per peer, oldest dropped first
constexpr std::size_t kMaxUnsentChats = 32;    // written while the link was still connecting

enum class Delivery { sending, delivered, failed };
const char* to_string(Delivery delivery);

struct ChatLine {
    std::string id;
    bool mine = false;
    std::string text;
    Delivery delivery = Delivery::sending;  // ours: acknowledged by the peer's page or not
};
bool operator==(const ChatLine& a, const ChatLine& b);

class Chat {
public:
    // Our message: returns the JSON text to send, or nothing if the text is empty after
    // trimming (the line is still recorded as `sending` when `connected` is false, and goes
    // out with take_unsent() once the link opens).
    std::optional<std::string> write(const std::string& text, bool connected);
    // Messages written before the link opened, oldest first; they are now being sent.
    std::vector<std::string> take_unsent();
    // A control-channel message of type chat/chat-ack: returns a reply to send (the ack), if
    // any. False in `handled` when the type is not ours.
    struct Reply {
        bool handled = false;
        std::optional<std::string> send;
    };
    Reply on_message(const nlohmann::json& message, bool visible);
    // The link could not be made or broke: what is not acknowledged failed.
    void fail_pending();
    void mark_read() { unread_ = 0; }

    const std::deque<ChatLine>& lines() const { return lines_; }
    int unread() const { return unread_; }

private:
    void add(ChatLine line);

    std::deque<ChatLine> lines_;
    std::vector<std::string> unsent_;  // JSON texts, in order
    int next_id_ = 1;
    int unread_ = 0;
};

}  // namespace peerline::link
