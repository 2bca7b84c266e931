// Control messages of file transfer: JSON objects on the "control" data channel whose "type"
// starts with "transfer-" (docs/transfer.md, "Control messages"). Parsing checks shapes and
// limits only; whether a message makes sense now is the business of Transfers.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "result.hpp"

namespace peerline::transfer {

// Which end of a transfer sent a message: a message about a transfer names it by the sender's
// id, and both ends may have a transfer "t1" (one each way), so stop messages say which one.
enum class Role { sender, receiver };

struct OfferedFile {
    std::string name;
    std::uint64_t size = 0;
    std::string mime;
};
struct OfferMessage {  // sender → receiver
    std::string transfer;
    std::vector<OfferedFile> files;
    std::uint64_t blocks = 0;  // framing v2: the block size the sender can resume by; 0: v1
};
struct AcceptMessage {  // receiver → sender
    std::string transfer;
    std::uint64_t blocks = 0;  // the offer's block size echoed by a v2 receiver; 0: plain v1
};
struct DeclineMessage {  // receiver → sender; a reason means "refused" (the offer broke a rule)
    std::string transfer;
    std::string reason;
};
struct CancelMessage {  // either side, by the user
    std::string transfer;
    Role from = Role::sender;
};
struct FailedMessage {  // either side, on an error
    std::string transfer;
    Role from = Role::sender;
    std::int64_t file = -1;  // -1: not about one file
    std::string reason;
};
struct VerifiedMessage {  // receiver → sender: file `file` arrived whole with this checksum
    std::string transfer;
    std::uint32_t file = 0;
    std::string xxh3;  // 32 hex digits
};
struct ResumeMessage {  // receiver → sender, on a new link: continue file `file` after `blocks`
    std::string transfer;
    std::uint32_t file = 0;
    std::uint64_t blocks = 0;
    std::string proof;  // 32 hex digits: proof_digest of the first `blocks` block checksums
};
using Message = std::variant<OfferMessage, AcceptMessage, DeclineMessage, CancelMessage,
                             FailedMessage, VerifiedMessage, ResumeMessage>;

namespace message_error {  // Error::code values of parse_message
constexpr const char* kNotTransfer = "not-transfer";  // "type" is not a transfer message
constexpr const char* kUnknownType = "transfer-unknown-type";
constexpr const char* kBadField = "transfer-bad-field";  // missing, mistyped or malformed field
constexpr const char* kTooMany = "transfer-too-many-files";
}  // namespace message_error

// True if this is ours to handle (an object whose "type" starts with "transfer-").
bool is_transfer_message(const nlohmann::json& message);

Result<Message> parse_message(const nlohmann::json& message);
nlohmann::json to_json(const Message& message);
std::string serialize(const Message& message);

// Transfer ids are "t<n>" with 1 ≤ n ≤ 999999999; binary frames carry n.
bool parse_transfer_id(const std::string& id, std::uint32_t& number);
std::string transfer_id(std::uint32_t number);

}  // namespace peerline::transfer
