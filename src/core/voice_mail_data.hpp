// Voice mail as plain data (voice_mail.hpp has the rules): a stored message as the browser keeps
// it, and what the page lists. Shared by the events and actions that move records between the
// core and the shell, and by the View; nothing here does anything.
#pragma once

#include <string>

namespace peerline::voice_mail {

struct Record {
    std::string key;         // "in/<from>/<id>" or "out/<id>": unique in the store
    bool outgoing = false;   // our copy, kept until delivered
    std::string id;          // the sender's message id
    std::string peer;        // who sent it to us / whom it is for (a peer id of that visit)
    std::string peer_name;   // their name at the time
    double at_ms = 0;        // received / recorded, ms since 1970 (the browser's clock)
    double duration_s = 0;
    bool played = false;     // received: the listener played it
    std::string bytes;       // Ogg Opus, checked again whenever it is loaded
};

// A received message as the page lists it; the bytes live in the shell's store.
struct Note {
    std::string key;
    std::string from;       // peer id (of the visit it came in)
    std::string from_name;  // their name when it arrived
    double at_ms = 0;
    double duration_s = 0;
    bool played = false;
};
bool operator==(const Note& a, const Note& b);

// One of ours that has not been delivered yet.
struct Unsent {
    std::string key;
    std::string id;
    std::string to;
    std::string to_name;
    double at_ms = 0;
    double duration_s = 0;
    // sending: on its way; waiting: they were offline or unreachable, it goes when they are
    // back; refused: their page said no (detail says why), it stays until deleted.
    enum class State { sending, waiting, refused } state = State::sending;
    std::string detail;
};
bool operator==(const Unsent& a, const Unsent& b);

// What became of the last message we recorded: shown beside the recorder.
struct Outbox {
    std::string to;  // peer id; "" : nothing sent yet
    std::string to_name;
    enum class State { none, sending, delivered, waiting, failed } state = State::none;
    std::string detail;  // why it is waiting or failed, for a person
};
bool operator==(const Outbox& a, const Outbox& b);

}  // namespace peerline::voice_mail
