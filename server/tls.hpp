// TLS for the listener (one mode per process): a context from PEM files, or a self-signed
// certificate generated with OpenSSL for LAN use (browsers need a secure context for
// getUserMedia anywhere but localhost) and kept beside the secret so restarts reuse it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "net.hpp"
#include <boost/asio/ssl/context.hpp>

namespace peerline::server {

struct CertificateFiles {
    std::string cert;
    std::string key;
};

// Writes a self-signed certificate (EC P-256, 825 days) for `names` (DNS names or IP
// addresses) to `files` unless both files exist already. Throws std::runtime_error.
void ensure_self_signed(const CertificateFiles& files, const std::vector<std::string>& names);

// Server context, TLS 1.2+. Throws std::runtime_error naming the file that failed.
std::shared_ptr<net::ssl::context> make_tls_context(const CertificateFiles& files);

}  // namespace peerline::server
