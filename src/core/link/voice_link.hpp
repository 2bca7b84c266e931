// Voice messages over a data link's control channel (issue 20, docs/voice.md "On the wire"):
// end to end between the two pages, never through the server. A message is a header
// {"type": "voice"} with its size, part count and XXH3-128, then its bytes in order as
// base64 "voice-part" messages of at most kVoicePartBytes; the receiver answers "voice-ack"
// once the message is kept, or "voice-refused" with a typed reason. This class is the wire
// only: what a message may be, and who may send one, is the Mailbox's (voice_mail.hpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "result.hpp"

namespace peerline::link {

inline constexpr std::size_t kVoicePartBytes = 32 * 1024;  // 43,692 B as base64: < kMaxControlBytes
inline constexpr int kVoiceAnswerMs = 30000;  // no answer by then: their page cannot take it
inline constexpr std::size_t kMaxVoiceIdBytes = 64;

// A message whose bytes arrived whole and matched the sender's checksum.
struct VoiceArrival {
    std::string id;
    std::string bytes;
};

// What became of a message we sent.
struct VoiceOutcome {
    std::string id;
    bool delivered = false;
    bool answered = false;  // the peer's page said no (refused) — not a lost link
    std::string code;       // refusal code, or "" for a lost link / no answer
    std::string reason;     // for a person
};

namespace voice_refusal {  // codes of "voice-refused" sent by this side's wire checks
constexpr const char* kMalformed = "voice-malformed";     // a header or part we cannot read
constexpr const char* kTooLarge = "voice-too-large";      // the header announces too much
constexpr const char* kOutOfOrder = "voice-out-of-order"; // a part of another message, or skipped
constexpr const char* kChecksum = "voice-checksum";       // the bytes are not what was announced
constexpr const char* kDuplicate = "voice-duplicate";     // already kept (the Mailbox says so)
}  // namespace voice_refusal

class VoiceLink {
public:
    // The control messages that carry `ogg` as message `id`, in order. `id` is remembered as
    // waiting for an answer once sent (sent()).
    static std::vector<std::string> encode(const std::string& id, std::string_view ogg, std::size_t max_bytes);
    void sent(const std::string& id);

    struct Reply {
        bool handled = false;              // the message was one of ours
        std::optional<std::string> send;   // a refusal to send back at once
    };
    // A control message: voice, voice-part, voice-ack or voice-refused. Arrivals and outcomes
    // collect for take_arrivals() / take_outcomes().
    Reply on_message(const nlohmann::json& message, std::size_t max_bytes);
    // The answer to an arrival once the Mailbox decided: nullopt = kept (ack).
    static std::string answer(const std::string& id, const std::optional<Error>& refusal);

    // The link broke or the answer timer ran out: every message sent and not answered fails.
    void fail_unanswered(const std::string& reason);
    // send() threw for control message `wire`: true if it carried one of our messages, which
    // has now failed with the browser's reason.
    bool on_send_failed(const std::string& wire, const std::string& reason);
    bool awaiting_answers() const { return !unanswered_.empty(); }

    std::vector<VoiceArrival> take_arrivals() { return std::exchange(arrivals_, {}); }
    std::vector<VoiceOutcome> take_outcomes() { return std::exchange(outcomes_, {}); }

private:
    struct Assembly {
        std::string id;
        std::size_t size = 0;
        std::size_t parts = 0;
        std::string xxh3;  // 32 hex digits
        std::string bytes;
    };
    std::optional<std::string> on_header(const nlohmann::json& message, std::size_t max_bytes);
    std::optional<std::string> on_part(const nlohmann::json& message);
    void on_answer(const nlohmann::json& message, bool ack);
    void finish(const std::string& id, VoiceOutcome outcome);

    std::optional<Assembly> assembling_;
    std::vector<std::string> unanswered_;  // ids sent, oldest first
    std::vector<VoiceArrival> arrivals_;
    std::vector<VoiceOutcome> outcomes_;
};

}  // namespace peerline::link
