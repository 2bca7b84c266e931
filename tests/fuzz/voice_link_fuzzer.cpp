// libFuzzer target: a peer that sends anything on a data link's control channel where voice
// messages travel (link/voice_link.hpp), and what reaches the Mailbox from it. Checks the promises
// that hold whatever the peer sends: no crash or UB (ASan/UBSan); every answer is one JSON
// voice-refused; an arrival is at most voice::kMaxBytes and, for a message sent whole by our own
// encoder, exactly the bytes sent; the Mailbox lists nothing twice and stays within its caps.
//
// Input: records of [op u8][len u16 LE][len bytes]. op 0: the bytes as one text message; op 1:
// as one binary message (a part). op 2: the bytes as a voice message, encoded by our own sender
// (part size from the length) and delivered whole. op 3: the same, with one part replaced by
// the bytes themselves. op 6: the bytes sealed by our own sender, delivered whole and opened with
// their key (the arrival must be exactly the bytes); op 7: sealed and delivered, never opened
// (later text records may open or withdraw it). Others: an answer for the sender, and a link
// failure.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "link/voice_link.hpp"
#include "voice/limits.hpp"
#include "voice_mail.hpp"

using namespace peerline;

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

struct Receiver {
    link::VoiceLink wire;
    voice_mail::Mailbox mailbox;
    int arrivals = 0;

    void take(const std::string& text) {
        auto message = nlohmann::json::parse(text, nullptr, false);
        if (!message.is_object()) return;
        auto reply = wire.on_message(message, voice::kMaxBytes);
        if (reply.send) {
            auto answer = nlohmann::json::parse(*reply.send, nullptr, false);
            check(answer.is_object() && answer.value("type", "") == "voice-refused");
        }
    }
    void part(const std::string& bytes) {
        if (auto refused = wire.on_part(bytes)) {
            auto answer = nlohmann::json::parse(*refused, nullptr, false);
            check(answer.is_object() && answer.value("type", "") == "voice-refused");
        }
    }
    void settle(const std::string* expected) {
        for (auto& arrival : wire.take_arrivals()) {
            check(arrival.bytes.size() <= voice::kMaxBytes && !arrival.bytes.empty());
            if (expected) check(arrival.bytes == *expected);
            std::vector<Action> out;
            if (!mailbox.receive("peer", std::string("Peer"), arrival, ++arrivals, out)) {
                mailbox.on_stored(VoiceStored{"in/peer/" + arrival.id, arrivals % 3 != 0, "quota"});
            }
        }
        std::set<std::string> keys;
        for (const auto& note : mailbox.notes()) check(keys.insert(note.key).second);
        check(mailbox.notes().size() <= voice_mail::kKeptPerSender);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Receiver r;
    std::vector<Action> out;
    r.mailbox.on_loaded(StoredVoicesLoaded{true, "", {}}, out);
    link::VoiceLink sender;
    std::size_t at = 0;
    int sent = 0;
    while (at + 3 <= size) {
        const std::uint8_t op = data[at];
        const std::size_t len = std::min<std::size_t>(data[at + 1] | data[at + 2] << 8, size - at - 3);
        const std::string bytes(reinterpret_cast<const char*>(data + at + 3), len);
        at += 3 + len;
        switch (op % 8) {
            case 0:
                r.take(bytes);
                r.settle(nullptr);
                break;
            case 1:
                r.part(bytes);
                r.settle(nullptr);
                break;
            case 2:
            case 3: {
                const std::string id = "v" + std::to_string(++sent);
                auto message = link::VoiceLink::encode(id, bytes, voice::kMaxBytes, 1024 + len * 7);
                if (message.parts.empty()) break;
                if (op % 8 == 3) message.parts[len % message.parts.size()] = bytes;
                sender.sent(id);
                r.take(message.header);
                for (const auto& p : message.parts) r.part(p);
                r.settle(op % 8 == 2 ? &bytes : nullptr);
                break;
            }
            case 6:
            case 7: {
                link::SealKey key{};
                key[0] = static_cast<std::uint8_t>(len);
                const std::string sealed_id = "p" + std::to_string(++sent);
                auto message = link::VoiceLink::seal(sealed_id, bytes, key, voice::kMaxBytes, 1024 + len * 7);
                if (message.parts.empty()) break;
                r.take(message.header);
                for (const auto& p : message.parts) r.part(p);
                check(r.wire.take_arrivals().empty());  // nothing arrives before its opening
                if (op % 8 == 7) break;
                r.take(link::VoiceLink::opening(sealed_id, "v" + std::to_string(sent), key, bytes));
                auto arrivals = r.wire.take_arrivals();
                check(arrivals.size() == 1 && arrivals[0].bytes == bytes);
                break;
            }
            case 4: {
                auto answer = link::VoiceLink::answer(bytes, bytes.size() % 2 ? std::nullopt
                                                                              : std::optional<Error>(make_error("voice-duplicate", bytes)));
                auto message = nlohmann::json::parse(answer, nullptr, false);
                if (message.is_object()) sender.on_message(message, voice::kMaxBytes);
                break;
            }
            default:
                sender.fail_unanswered(bytes);
                check(!sender.awaiting_answers());
                break;
        }
    }
    return 0;
}
