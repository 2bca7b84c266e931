// Call history: the bounded list and its stored JSON (call_history.hpp).
#include "call_history.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "json_depth.hpp"
#include "json_fields.hpp"
#include "protocol.hpp"

namespace peerline::call_history {
namespace {

using nlohmann::json;

// Stored format version: a page that finds another one starts empty rather than guess.
constexpr int kFormat = 1;

constexpr std::pair<Outcome, const char*> kOutcomes[] = {
    {Outcome::answered, "answered"}, {Outcome::missed, "missed"},     {Outcome::no_answer, "no-answer"},
    {Outcome::declined, "declined"}, {Outcome::busy, "busy"},         {Outcome::cancelled, "cancelled"},
    {Outcome::failed, "failed"},
};

std::optional<Outcome> outcome_from(std::string_view word) {
    for (const auto& [o, name] : kOutcomes) {
        if (word == name) return o;
    }
    return std::nullopt;
}

std::optional<double> number(const json& object, const char* key, double max) {
    auto it = object.find(key);
    if (it == object.end() || !it->is_number()) return std::nullopt;
    const double v = it->get<double>();
    if (!std::isfinite(v) || v < 0 || v > max) return std::nullopt;
    return v;
}

// One stored entry, or nothing if any field is missing, of the wrong type or out of range.
std::optional<Entry> entry_from(const json& j) {
    if (!j.is_object()) return std::nullopt;
    auto dir = json_fields::bounded_string(j, "dir", 3);
    auto outcome = json_fields::bounded_string(j, "outcome", 16);
    auto name = json_fields::bounded_string(j, "name", protocol::kMaxNameBytes);
    auto device = json_fields::bounded_string(j, "device", 16);
    auto at = number(j, "at", 1e15);  // past the year 33000: not a time this page wrote
    auto duration = number(j, "duration", kMaxDurationS);
    auto video = j.find("video");
    if (!dir || !outcome || !name || !device || !at || !duration || video == j.end() || !video->is_boolean()) {
        return std::nullopt;
    }
    if (*dir != "in" && *dir != "out") return std::nullopt;
    auto o = outcome_from(*outcome);
    if (!o) return std::nullopt;
    // A name is shown as text only, but it must still be one the server would have let through.
    if (name->empty() || protocol::sanitize_name(*name) != *name) return std::nullopt;
    Entry e;
    e.direction = *dir == "in" ? Direction::incoming : Direction::outgoing;
    e.outcome = *o;
    e.video = video->get<bool>();
    e.peer_name = std::move(*name);
    e.peer_device = protocol::sanitize_device(*device);
    e.at_ms = *at;
    e.duration_s = *o == Outcome::answered ? *duration : 0;
    return e;
}

}  // namespace

const char* to_string(Direction d) { return d == Direction::incoming ? "in" : "out"; }

const char* to_string(Outcome o) {
    for (const auto& [known, name] : kOutcomes) {
        if (known == o) return name;
    }
    return "";
}

bool operator==(const Entry& a, const Entry& b) {
    return a.direction == b.direction && a.outcome == b.outcome && a.video == b.video &&
           a.peer_name == b.peer_name && a.peer_device == b.peer_device && a.at_ms == b.at_ms &&
           a.duration_s == b.duration_s;
}

Result<Parsed> parse(std::string_view text) {
    if (text.size() > kMaxStoredBytes) return make_error("too-big", "the stored call history is too big");
    if (json_nests_deeper_than(text, 4)) return make_error("too-deep", "the stored call history nests too deep");
    // Iterators, as protocol.cpp parses: the same template instance, not a second copy in the Wasm.
    json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return make_error("bad-json", "the stored call history is not JSON");
    if (!doc.is_object()) return make_error("bad-format", "the stored call history is not an object");
    auto version = doc.find("v");
    if (version == doc.end() || !version->is_number_integer() || version->get<int>() != kFormat) {
        return make_error("bad-format", "the stored call history has another format");
    }
    auto calls = doc.find("calls");
    if (calls == doc.end() || !calls->is_array()) return make_error("bad-format", "the stored call history has no list");
    Parsed parsed;
    for (const auto& item : *calls) {
        auto e = entry_from(item);
        if (!e) {
            ++parsed.dropped;
        } else if (parsed.entries.size() < kMaxEntries) {
            parsed.entries.push_back(std::move(*e));
        }
    }
    // Newest first, whatever order another writer left them in. Stable (equal times keep their
    // order, so a list read and written again is the same list); an insertion sort, as 50
    // entries need nothing more and std::stable_sort costs kilobytes of Wasm.
    auto& e = parsed.entries;
    for (std::size_t i = 1; i < e.size(); ++i) {
        for (std::size_t j = i; j > 0 && e[j - 1].at_ms < e[j].at_ms; --j) std::swap(e[j - 1], e[j]);
    }
    return parsed;
}

std::string serialize(const std::vector<Entry>& entries) {
    json calls = json::array();
    for (const auto& e : entries) {
        calls.push_back(json{{"dir", to_string(e.direction)}, {"outcome", to_string(e.outcome)},
                             {"video", e.video}, {"name", e.peer_name}, {"device", e.peer_device},
                             {"at", e.at_ms}, {"duration", e.duration_s}});
    }
    // Names are the server's sanitized UTF-8; dump_json replaces anything invalid anyway.
    return protocol::dump_json(json{{"v", kFormat}, {"calls", std::move(calls)}});
}

void History::add(Entry entry) {
    entries_.insert(entries_.begin(), std::move(entry));
    if (entries_.size() > kMaxEntries) entries_.resize(kMaxEntries);
}

void History::replace(std::vector<Entry> entries) {
    if (entries.size() > kMaxEntries) entries.resize(kMaxEntries);
    entries_ = std::move(entries);
}

int History::missed() const {
    return static_cast<int>(std::count_if(entries_.begin(), entries_.end(), [](const Entry& e) {
        return e.direction == Direction::incoming && e.outcome == Outcome::missed;
    }));
}

}  // namespace peerline::call_history
