#include "transfer/messages.hpp"

#include <optional>

#include "json_fields.hpp"
#include "transfer/limits.hpp"

namespace peerline::transfer {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxIdChars = 10;  // "t" + 9 digits

Error bad(const std::string& what) { return make_error(message_error::kBadField, what); }

using json_fields::bounded_string;

// Integers ≥ 0 only: negative ones, floats (1e30, 1.5) and strings are refused. Parsed text
// gives unsigned values; a json built in C++ from an int is signed, hence both branches.
std::optional<std::uint64_t> unsigned_field(const json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end()) return std::nullopt;
    if (it->is_number_unsigned()) return it->get<std::uint64_t>();
    if (it->is_number_integer() && it->get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(it->get<std::int64_t>());
    return std::nullopt;
}

Result<std::string> id_field(const json& object) {
    auto id = bounded_string(object, "transfer", kMaxIdChars);
    std::uint32_t number = 0;
    if (!id || !parse_transfer_id(*id, number)) return bad("`transfer` must be an id like \"t1\"");
    return *id;
}

Result<Role> role_field(const json& object) {
    auto from = bounded_string(object, "from", 16);
    if (from && *from == "sender") return Role::sender;
    if (from && *from == "receiver") return Role::receiver;
    return bad("`from` must be \"sender\" or \"receiver\"");
}

std::string role_name(Role role) { return role == Role::sender ? "sender" : "receiver"; }

Result<Message> parse_offer(const json& m, std::string id) {
    auto files = m.find("files");
    if (files == m.end() || !files->is_array()) return bad("`files` must be an array");
    if (files->empty()) return bad("an offer needs at least one file");
    if (files->size() > kMaxFilesPerOffer) {
        return make_error(message_error::kTooMany, "offer of " + std::to_string(files->size()) +
                                                       " files, at most " + std::to_string(kMaxFilesPerOffer));
    }
    OfferMessage offer{std::move(id), {}, 0};
    // An unknown or malformed block size is not an error: that sender gets a plain v1 transfer.
    if (auto blocks = unsigned_field(m, "blocks")) offer.blocks = *blocks;
    for (const auto& f : *files) {
        if (!f.is_object()) return bad("each file must be an object");
        // Names are checked against the sanitizer by Transfers; here only their JSON shape
        // and a loose length bound (escaping aside, a clean name has ≤ kMaxNameBytes bytes).
        auto name = bounded_string(f, "name", kMaxNameBytes);
        auto size = unsigned_field(f, "size");
        auto mime = bounded_string(f, "mime", kMaxMimeBytes);
        if (!name) return bad("each file needs a string `name` of at most " + std::to_string(kMaxNameBytes) + " bytes");
        if (!size) return bad("each file needs a non-negative integer `size`");
        offer.files.push_back(OfferedFile{*name, *size, mime ? *mime : std::string()});
    }
    return Message{std::move(offer)};
}

}  // namespace

bool parse_transfer_id(const std::string& id, std::uint32_t& number) {
    if (id.size() < 2 || id.size() > kMaxIdChars || id[0] != 't' || id[1] == '0') return false;
    std::uint32_t n = 0;
    for (std::size_t i = 1; i < id.size(); ++i) {
        if (id[i] < '0' || id[i] > '9') return false;
        n = n * 10 + static_cast<std::uint32_t>(id[i] - '0');  // ≤ 9 digits: no overflow
    }
    number = n;
    return true;
}

std::string transfer_id(std::uint32_t number) { return "t" + std::to_string(number); }

bool is_transfer_message(const json& message) {
    if (!message.is_object()) return false;
    auto type = message.find("type");
    return type != message.end() && type->is_string() &&
           type->get_ref<const std::string&>().rfind("transfer-", 0) == 0;
}

Result<Message> parse_message(const json& m) {
    if (!is_transfer_message(m)) return make_error(message_error::kNotTransfer, "not a transfer message");
    const auto& type = m.find("type")->get_ref<const std::string&>();
    auto id = id_field(m);
    if (!id) return id.error();
    std::string transfer = std::move(id).value();

    if (type == "transfer-offer") return parse_offer(m, std::move(transfer));
    if (type == "transfer-accept") {
        auto blocks = unsigned_field(m, "blocks");
        return Message{AcceptMessage{std::move(transfer), blocks ? *blocks : 0}};
    }
    if (type == "transfer-resume") {
        auto file = unsigned_field(m, "file");
        auto blocks = unsigned_field(m, "blocks");
        auto proof = bounded_string(m, "proof", 32);
        if (!file || *file >= kMaxFilesPerOffer + 1) return bad("`file` must be a file index");
        if (!blocks || *blocks > kMaxFileBytes) return bad("`blocks` must be a block count");
        if (!proof || proof->size() != 32) return bad("`proof` must be 32 hex digits");
        return Message{ResumeMessage{std::move(transfer), static_cast<std::uint32_t>(*file), *blocks, *proof}};
    }
    if (type == "transfer-decline") {
        auto reason = bounded_string(m, "reason", 4 * kMaxReasonBytes);
        return Message{DeclineMessage{std::move(transfer), reason ? *reason : std::string()}};
    }
    if (type == "transfer-cancel") {
        auto from = role_field(m);
        if (!from) return from.error();
        return Message{CancelMessage{std::move(transfer), from.value()}};
    }
    if (type == "transfer-failed") {
        auto from = role_field(m);
        if (!from) return from.error();
        FailedMessage failed{std::move(transfer), from.value(), -1, {}};
        if (auto file = unsigned_field(m, "file")) {
            if (*file >= kMaxFilesPerOffer) return bad("`file` out of range");
            failed.file = static_cast<std::int64_t>(*file);
        }
        auto reason = bounded_string(m, "reason", 4 * kMaxReasonBytes);
        failed.reason = reason ? *reason : std::string();
        return Message{std::move(failed)};
    }
    if (type == "transfer-verified") {
        auto file = unsigned_field(m, "file");
        auto xxh3 = bounded_string(m, "xxh3", 32);
        if (!file || *file >= kMaxFilesPerOffer) return bad("`file` must be a file index");
        if (!xxh3 || xxh3->size() != 32) return bad("`xxh3` must be 32 hex digits");
        return Message{VerifiedMessage{std::move(transfer), static_cast<std::uint32_t>(*file), *xxh3}};
    }
    return make_error(message_error::kUnknownType, "unknown transfer message `" + type.substr(0, 40) + "`");
}

namespace {
struct ToJson {
    json operator()(const OfferMessage& m) const {
        json files = json::array();
        for (const auto& f : m.files) files.push_back(json{{"name", f.name}, {"size", f.size}, {"mime", f.mime}});
        json out{{"type", "transfer-offer"}, {"transfer", m.transfer}, {"files", std::move(files)}};
        if (m.blocks) out["blocks"] = m.blocks;
        return out;
    }
    json operator()(const AcceptMessage& m) const {
        json out{{"type", "transfer-accept"}, {"transfer", m.transfer}};
        if (m.blocks) out["blocks"] = m.blocks;
        return out;
    }
    json operator()(const ResumeMessage& m) const {
        return json{{"type", "transfer-resume"}, {"transfer", m.transfer}, {"file", m.file},
                    {"blocks", m.blocks}, {"proof", m.proof}};
    }
    json operator()(const DeclineMessage& m) const {
        json out{{"type", "transfer-decline"}, {"transfer", m.transfer}};
        if (!m.reason.empty()) out["reason"] = m.reason;
        return out;
    }
    json operator()(const CancelMessage& m) const {
        return json{{"type", "transfer-cancel"}, {"transfer", m.transfer}, {"from", role_name(m.from)}};
    }
    json operator()(const FailedMessage& m) const {
        json out{{"type", "transfer-failed"}, {"transfer", m.transfer}, {"from", role_name(m.from)},
                 {"reason", m.reason}};
        if (m.file >= 0) out["file"] = m.file;
        return out;
    }
    json operator()(const VerifiedMessage& m) const {
        return json{{"type", "transfer-verified"}, {"transfer", m.transfer}, {"file", m.file}, {"xxh3", m.xxh3}};
    }
};
}  // namespace

json to_json(const Message& message) { return std::visit(ToJson{}, message); }

// Names were sanitized to valid UTF-8; `replace` keeps dump() from throwing on anything else.
std::string serialize(const Message& message) {
    return to_json(message).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace peerline::transfer
