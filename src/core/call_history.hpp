// Call history (issue 19): the recent calls this browser made and took, with missed calls, kept
// in the browser's storage by the shell as the JSON this module writes and reads back. What
// comes back from storage is checked like anything from outside: another version of the page,
// another tab or a hand edit may have left anything there, and the page must start regardless.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"

namespace peerline::call_history {

enum class Direction { incoming, outgoing };
// answered: media was set up (duration counts from then); missed: rang here and was not taken
// (also: the caller gave up, or we were busy); no_answer: ours rang there and was not taken;
// declined: the callee said no (either side); busy: the callee was in another call; cancelled:
// we hung up before an answer; failed: could not be set up.
enum class Outcome { answered, missed, no_answer, declined, busy, cancelled, failed };
const char* to_string(Direction d);
const char* to_string(Outcome o);

struct Entry {
    Direction direction = Direction::outgoing;
    Outcome outcome = Outcome::answered;
    bool video = true;
    // Server ids change with every visit; these two are what we can match a peer on later.
    std::string peer_name;
    std::string peer_device;
    double at_ms = 0;       // when it began ringing, ms since 1970 (the browser's clock)
    double duration_s = 0;  // answered: how long media flowed; else 0
};
bool operator==(const Entry& a, const Entry& b);

inline constexpr std::size_t kMaxEntries = 50;             // the newest are kept
inline constexpr std::size_t kMaxStoredBytes = 64 * 1024;  // 50 entries take ~8 KB
inline constexpr double kMaxDurationS = 7 * 24 * 3600.0;   // longer reads as corrupt

// What storage held, read back: the valid entries (newest first, at most kMaxEntries) and how
// many were dropped as invalid. An Error when the whole text is unusable (not JSON, too big,
// another format); the page then starts with an empty history.
struct Parsed {
    std::vector<Entry> entries;
    std::size_t dropped = 0;
};
Result<Parsed> parse(std::string_view json);
std::string serialize(const std::vector<Entry>& entries);

class History {
public:
    // Newest first; the oldest past kMaxEntries is dropped.
    void add(Entry entry);
    void replace(std::vector<Entry> entries);
    const std::vector<Entry>& entries() const { return entries_; }
    // Incoming calls not taken, in the list.
    int missed() const;

private:
    std::vector<Entry> entries_;
};

}  // namespace peerline::call_history
