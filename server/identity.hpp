// Who a client is across connections (docs/protocol.md "Resuming"): the server secret, and the
// resume tokens signed with it. A token is "<id>.<hex HMAC-SHA256(secret, id)>", so holding one
// proves the server once gave that id to its holder.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace peerline::server {

// The secret: from hex, from a file (created 0600 with 32 random bytes if missing), or random.
// Throws std::runtime_error with a readable message if a given file cannot be read or made.
std::string load_secret(const std::string& secret_file, const std::string& secret_hex);

class ResumeTokens {
public:
    explicit ResumeTokens(std::string secret) : secret_(std::move(secret)) {}

    std::string issue(const std::string& id) const;
    // The id the token was issued for, or nothing if it is malformed or not ours.
    std::optional<std::string> verify(std::string_view token) const;

private:
    std::string secret_;
};

}  // namespace peerline::server
