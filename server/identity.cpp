#include "identity.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "crypto.hpp"

namespace peerline::server {
namespace {

constexpr std::size_t kSecretBytes = 32;

std::string read_secret_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    std::string text = content.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
    std::string secret = from_hex(text);
    if (secret.size() < 16) throw std::runtime_error("secret file '" + path + "' does not hold >= 32 hex digits");
    return secret;
}

}  // namespace

std::string load_secret(const std::string& secret_file, const std::string& secret_hex) {
    if (!secret_hex.empty()) return from_hex(secret_hex);
    if (secret_file.empty()) return random_bytes(kSecretBytes);

    // O_EXCL: of two servers starting at once, one creates and the other reads.
    const int fd = ::open(secret_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno != EEXIST) {
            throw std::runtime_error("cannot create secret file '" + secret_file + "': " + std::strerror(errno));
        }
        return read_secret_file(secret_file);
    }
    const std::string secret = random_bytes(kSecretBytes);
    const std::string text = to_hex(secret) + "\n";
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!written) throw std::runtime_error("cannot write secret file '" + secret_file + "'");
    return secret;
}

std::string ResumeTokens::issue(const std::string& id) const {
    return id + "." + to_hex(hmac_sha256(secret_, id));
}

std::optional<std::string> ResumeTokens::verify(std::string_view token) const {
    const auto dot = token.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot > 64) return std::nullopt;
    const std::string id(token.substr(0, dot));
    for (char c : id) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
    }
    if (!constant_time_equal(token, issue(id))) return std::nullopt;
    return id;
}

}  // namespace peerline::server
