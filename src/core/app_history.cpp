// App's call history (issue 19): which call becomes which entry, kept in the browser's storage
// through the shell, listed on the idle page with "Call back" (call_history.hpp has the model).
#include <algorithm>
#include <utility>

#include "app_state.hpp"
#include "call_quality.hpp"

namespace peerline {
namespace {

using call_history::Direction;
using call_history::Entry;
using call_history::Outcome;

// What became of a call, from the user's side of it.
Outcome outcome_of(const Call& c) {
    if (c.was_connected()) return Outcome::answered;
    const bool out = c.outgoing();
    switch (c.end_reason()) {
        case EndReason::declined: return Outcome::declined;
        case EndReason::busy: return out ? Outcome::busy : Outcome::missed;
        case EndReason::missed: return out ? Outcome::no_answer : Outcome::missed;
        case EndReason::failed: return Outcome::failed;
        default: break;  // cancelled, hung up, lost before media flowed
    }
    // Said yes, and still no media: the set-up failed. Otherwise the caller gave up (a call
    // that rang here and was not taken: missed) or we did (cancelled).
    if (c.answered()) return Outcome::failed;
    return out ? Outcome::cancelled : Outcome::missed;
}

std::string summary_of(const Entry& e) {
    const bool in = e.direction == Direction::incoming;
    std::string what;
    switch (e.outcome) {
        case Outcome::answered: what = in ? "Incoming" : "Outgoing"; break;
        case Outcome::missed: what = "Missed"; break;
        case Outcome::no_answer: what = "No answer"; break;
        case Outcome::declined: what = "Declined"; break;
        case Outcome::busy: what = "Busy"; break;
        case Outcome::cancelled: what = "Cancelled"; break;
        case Outcome::failed: what = "Failed"; break;
    }
    what += e.video ? " · video" : " · audio";
    if (e.outcome == Outcome::answered) what += " · " + format_call_duration(e.duration_s);
    return what;
}

}  // namespace

void App::State::on(const CallHistoryLoaded& e, Out&) {
    if (!e.available) return;  // the browser keeps nothing: the list lives in this page only
    auto parsed = call_history::parse(e.json);
    // Unusable storage must not break the page: the list starts empty and the next call
    // overwrites it. Entries that do not check out are left out one by one.
    // Nothing stored (a first visit, or another tab cleared it) is an empty list too.
    history.replace(parsed ? std::move(parsed).value().entries : std::vector<Entry>{});
}

void App::State::note_call(const protocol::PeerInfo& peer) {
    call_record = CallRecord{call->ids().call, peer.device, clock_ms};
}

void App::State::settle_history(Out& out) {
    if (!call || call->active() || call_record.call.empty() || call_record.call != call->ids().call) return;
    call_record.call.clear();  // recorded once
    if (call->end_reason() == EndReason::none) return;  // dropped for the other call of a glare
    const Outcome outcome = outcome_of(*call);
    history.add(Entry{call->outgoing() ? Direction::outgoing : Direction::incoming, outcome, call->video(),
                      call->ids().peer_name, call_record.peer_device, call_record.at_ms,
                      outcome == Outcome::answered ? call->duration_s() : 0});
    out.push_back(SaveCallHistory{call_history::serialize(history.entries())});
}

void App::State::record_busy(const protocol::PeerInfo& peer, bool video, Out& out) {
    history.add(Entry{Direction::incoming, Outcome::missed, video, peer.name, peer.device, clock_ms, 0});
    out.push_back(SaveCallHistory{call_history::serialize(history.entries())});
}

const protocol::PeerInfo* App::State::match(const Entry& entry) const {
    auto it = std::find_if(peers.begin(), peers.end(), [&](const protocol::PeerInfo& p) {
        return p.name == entry.peer_name && p.device == entry.peer_device;
    });
    return it == peers.end() ? nullptr : &*it;
}

void App::State::on(const CallBackIntent& e, Out& out) {
    const auto& entries = history.entries();
    if (e.entry < 0 || static_cast<std::size_t>(e.entry) >= entries.size()) return;
    const Entry& entry = entries[e.entry];
    const auto* peer = match(entry);
    if (!online || !peer) {
        notice = entry.peer_name + " is not online";
        return;
    }
    on(CallIntent{peer->id, entry.video, e.at_ms}, out);
}

void App::State::fill_recent(View& v) const {
    for (const Entry& e : history.entries()) {
        RecentCall r;
        r.peer_name = e.peer_name;
        r.peer_device = e.peer_device;
        r.incoming = e.direction == Direction::incoming;
        r.missed = r.incoming && e.outcome == Outcome::missed;
        r.summary = summary_of(e);
        r.at_ms = e.at_ms;
        const auto* peer = online ? match(e) : nullptr;
        // Calling the one whose call rings here accepts it (as the roster's Call button does).
        r.can_call_back = peer && (!in_call() || call->ringing_from(peer->id));
        if (!peer) {
            r.call_back_reason = e.peer_name + " is not online";
        } else if (!r.can_call_back) {
            r.call_back_reason = "You are in a call";
        }
        v.recent.push_back(std::move(r));
    }
    v.recent_missed = history.missed();
}

}  // namespace peerline
