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
// A message id, as the peer chose it: ours are "m<n>", other clients' may be UUIDs (36 bytes).
constexpr std::size_t kMaxChatIdBytes = 64;

enum class Delivery { sending, delivered, failed };
const char* to_string(Delivery delivery);

struct ChatLine {
    std::string id;
    bool mine = false;
    std::string text;
    Delivery delivery = Delivery::sending;  // ours: acknowledged by the peer's page or not
    std::string reason;                     // why not, once failed (empty: not known)
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
    // A control-channel message of type chat/chat-ack/chat-refused: returns a reply to send
    // (the ack, or a chat-refused naming why a message was not taken), if any. False in
    // `handled` when the type is not ours.
    struct Reply {
        bool handled = false;
        std::optional<std::string> send;
    };
    Reply on_message(const nlohmann::json& message, bool visible);
    // The link could not be made or broke: what is not acknowledged failed, for `reason`.
    void fail_pending(const std::string& reason);
    // The browser could not send `wire` (a message write() returned): true if it was one of our
    // chat messages, which has now failed with the browser's reason.
    bool on_send_failed(const std::string& wire, const std::string& reason);
    void mark_read() { unread_ = 0; }

    const std::deque<ChatLine>& lines() const { return lines_; }
    int unread() const { return unread_; }

private:
    void add(ChatLine line);
    void fail(const std::string& id, const std::string& reason);

    std::deque<ChatLine> lines_;
    std::vector<std::string> unsent_;  // JSON texts, in order
    int next_id_ = 1;
    int unread_ = 0;
};

}  // namespace peerline::link
