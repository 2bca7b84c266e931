#include "origin_policy.hpp"

#include <algorithm>
#include <cctype>

namespace peerline::server {
namespace {

std::string normalized(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    while (!out.empty() && out.back() == '/') out.pop_back();
    return out;
}

// "host:80" -> "host" for http, "host:443" -> "host" for https (RFC 6454 §4 default ports).
std::string without_default_port(std::string authority, std::string_view scheme) {
    const std::string_view port = scheme == "https" ? ":443" : scheme == "http" ? ":80" : "";
    if (!port.empty() && authority.size() > port.size() &&
        authority.compare(authority.size() - port.size(), port.size(), port) == 0) {
        authority.resize(authority.size() - port.size());
    }
    return authority;
}

}  // namespace

OriginPolicy::OriginPolicy(std::vector<std::string> allowed) {
    for (const auto& origin : allowed) {
        if (origin == "*") any_ = true;
        else allowed_.push_back(normalized(origin));
    }
}

bool OriginPolicy::allows(std::string_view origin_header, std::string_view host_header) const {
    if (origin_header.empty() || any_) return true;
    const std::string origin = normalized(origin_header);
    if (std::find(allowed_.begin(), allowed_.end(), origin) != allowed_.end()) return true;

    const auto sep = origin.find("://");
    if (sep == std::string::npos || host_header.empty()) return false;  // e.g. "null"
    const std::string scheme = origin.substr(0, sep);
    const std::string authority = origin.substr(sep + 3);
    if (authority.empty() || authority.find('/') != std::string::npos) return false;
    return without_default_port(authority, scheme) == without_default_port(normalized(host_header), scheme);
}

}  // namespace peerline::server
