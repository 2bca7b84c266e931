// Voice messages over a data link's control channel (issue 20, docs/voice.md "On the wire"):
// end to end between the two pages, never through the server. A message is a text header
// {"type": "voice"} with its size, part size, part count and XXH3-128, then its bytes in order
// as binary messages on the same channel (one, between two Chromiums: the part is as large as
// both sides take); the receiver answers "voice-ack" once the message passed its checks, or
// "voice-refused" with a typed reason. This class is the wire only: what a message may be, and
// who may send one, is the Mailbox's (voice_mail.hpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "link/voice_seal.hpp"
#include "result.hpp"

namespace peerline::link {

// A part is at most what both sides take (the link's message limit) and at most this; at least
// kMinVoicePartBytes, so a message is never a flood of tiny parts. 16 KiB parts let the receiver
// take in the first while the rest travel (measured: 256 KiB parts, one message, arrived later).
inline constexpr std::size_t kMaxVoicePartBytes = 16 * 1024;
inline constexpr std::size_t kMinVoicePartBytes = 1024;
// Parts are handed to the browser while its send queue on the channel holds less than the high
// mark, and again when it drains to the low one (bufferedamountlow): a whole message at once
// overflowed the receiving socket's buffer on loopback and stalled on an SCTP retransmission
// timeout (~0.4-0.6 s) in 2 of 5 first messages.
inline constexpr std::size_t kVoiceHighWaterBytes = 96 * 1024;
inline constexpr std::size_t kVoiceLowWaterBytes = 48 * 1024;
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
constexpr const char* kNotSealed = "voice-not-sealed";    // an opening for no sealed message we hold
}  // namespace voice_refusal

class VoiceLink {
public:
    // What carries `ogg` as message `id`: the header (text), then the parts (binary), in order;
    // empty if `ogg` is empty or over `max_bytes`. `part_bytes` is clamped to the bounds above.
    struct Wire {
        std::string header;
        std::vector<std::string> parts;
    };
    static Wire encode(const std::string& id, std::string_view ogg, std::size_t max_bytes, std::size_t part_bytes);
    // The same, sealed under `key` (voice_seal.hpp) while its maker listens back: the header says
    // "sealed" and carries no checksum of the bytes; `opening` releases it as message `id`.
    static Wire seal(const std::string& sealed_id, std::string_view ogg, const SealKey& key, std::size_t max_bytes,
                     std::size_t part_bytes);
    static std::string opening(const std::string& sealed_id, const std::string& id, const SealKey& key, std::string_view ogg);
    static std::string withdrawal(const std::string& sealed_id);
    // What this page tells a new link it can take (sent once the control channel opens).
    static std::string features();
    bool peer_takes_sealed() const { return peer_takes_sealed_; }
    // `id` went out: it now waits for an answer (or fails with the link, the timer, a send()).
    void sent(const std::string& id);

    struct Reply {
        bool handled = false;              // the message was one of ours
        std::optional<std::string> send;   // a refusal to send back at once
    };
    // A control message: voice, voice-open, voice-withdrawn, voice-features, voice-ack or
    // voice-refused; a binary one: a part. Arrivals and
    // outcomes collect for take_arrivals() / take_outcomes().
    Reply on_message(const nlohmann::json& message, std::size_t max_bytes);
    std::optional<std::string> on_part(std::string_view bytes);
    // The answer to an arrival once the Mailbox decided: nullopt = kept (ack).
    static std::string answer(const std::string& id, const std::optional<Error>& refusal);

    // The link broke or the answer timer ran out: every message sent and not answered fails.
    void fail_unanswered(const std::string& reason);
    // send() threw for a control message: `head` is a text message whole, or the first bytes of
    // a binary one. `ours`: it carried one of our messages (a header, or a part: the message sent
    // last); `failed`: the id that has now failed with the browser's reason ("" if none waited).
    struct SendFailure {
        bool ours = false;
        std::string failed;
    };
    SendFailure on_send_failed(const std::string& head, bool binary, const std::string& reason);
    bool awaiting_answers() const { return !unanswered_.empty(); }

    std::vector<VoiceArrival> take_arrivals() { return std::exchange(arrivals_, {}); }
    std::vector<VoiceOutcome> take_outcomes() { return std::exchange(outcomes_, {}); }

private:
    struct Assembly {
        std::string id;
        std::size_t size = 0;
        std::size_t part_bytes = 0;
        std::size_t parts = 0;
        std::size_t parts_seen = 0;
        std::string xxh3;  // 32 hex digits; "" while sealed
        bool sealed = false;
        std::string bytes;
    };
    struct Sealed {  // arrived whole, waiting for its key (or its withdrawal)
        std::string id;
        std::string bytes;
    };
    std::optional<std::string> on_header(const nlohmann::json& message, std::size_t max_bytes);
    std::optional<std::string> on_open(const nlohmann::json& message);
    void on_withdrawn(const nlohmann::json& message);
    void on_answer(const nlohmann::json& message, bool ack);
    void finish(const std::string& id, VoiceOutcome outcome);

    std::optional<Assembly> assembling_;
    // One sealed message at a time: its maker listens back to one recording; a newer one
    // replaces it (the older was discarded or is being re-sent plainly).
    std::optional<Sealed> sealed_;
    bool peer_takes_sealed_ = false;
    std::vector<std::string> unanswered_;  // ids sent, oldest first
    std::vector<VoiceArrival> arrivals_;
    std::vector<VoiceOutcome> outcomes_;
};

}  // namespace peerline::link
