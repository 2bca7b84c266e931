// Voice messages between people who share a room (issue 8): the caller of a declined, missed or
// busy call records one; it travels through the server as one binary frame, header
// {"to", "kind": "voice-message", "id"} (docs/protocol.md "Binary messages"). Both ends check the
// file with voice::inspect (Ogg pages, OpusHead, duration) before anything else touches it.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"

namespace peerline::voice_mail {

inline constexpr const char* kKind = "voice-message";

struct Outgoing {
    std::string frame;     // the whole binary frame to send
    double duration_s = 0;
};
// The frame for `to`, or a typed error: not a valid Ogg Opus message, too long, or too large
// for the server's binary frame cap (which would otherwise close our connection).
Result<Outgoing> compose(const std::string& to, const std::string& id, std::string_view ogg,
                         std::size_t max_frame_bytes);

struct Incoming {
    std::string id;        // "<from>/<sender's id>": unique per sender
    std::string from;
    std::string ogg;
    double duration_s = 0;
};
// A binary frame from the server: a voice message, or a typed error (not ours, malformed,
// or audio the voice checks refuse).
Result<Incoming> receive(std::string_view frame);

// A received message as the page lists it; the bytes live in the shell (KeepVoiceMessage).
struct Note {
    std::string id;
    std::string from;       // peer id
    std::string from_name;  // their name when it arrived (they may be gone since)
    double duration_s = 0;
};
bool operator==(const Note& a, const Note& b);

// What became of the last message we sent: shown beside the recorder.
struct Outbox {
    std::string to;       // peer id; "" : nothing sent yet
    std::string to_name;
    enum class State { none, sent, failed } state = State::none;
    std::string detail;   // why it failed, for a person
};
bool operator==(const Outbox& a, const Outbox& b);

// Both directions of voice mail for one client. The server does not confirm delivery; it answers
// an error (ref "binary") only when the peer is gone, so "sent" means "the server took it and
// nobody said otherwise" and a later unknown-peer error turns it into "failed".
class Mailbox {
public:
    static constexpr std::size_t kMaxNotes = 20;  // in memory only; the oldest go first

    // Whether a message can leave now: the two failures read differently to the person.
    enum class Reach { reachable, we_are_offline, peer_gone };
    // Composes `ogg` for `to`: the frame to send, or nothing with the reason in outbox() (a
    // message that fails the checks, is too large for `max_frame_bytes`, or cannot reach them).
    std::optional<std::string> send(const std::string& to, const std::string& to_name, Reach reach,
                                    std::string_view ogg, std::size_t max_frame_bytes);
    // The server refused our last binary frame (the peer left before it arrived).
    void on_refused(const std::string& reason);
    // A binary frame from the server, listed on success. `name_of` gives the display name of a
    // peer who shares a room with us, nullopt for anyone else (refused: "voice-stranger").
    Result<Incoming> receive(std::string_view frame,
                             const std::function<std::optional<std::string>(const std::string&)>& name_of);

    const std::vector<Note>& notes() const { return notes_; }
    const Outbox& outbox() const { return outbox_; }

private:
    std::vector<Note> notes_;  // newest last
    Outbox outbox_;
    int sent_ = 0;
};

}  // namespace peerline::voice_mail
