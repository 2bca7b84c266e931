#include "tls.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>

namespace peerline::server {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("self-signed certificate: ") + what + " failed");
}

void add_extension(X509* cert, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    check(ext && X509_add_ext(cert, ext.get(), -1) == 1, "adding an extension");
}

void write_pem(const std::string& path, mode_t mode, const std::function<int(FILE*)>& write) {
    FILE* file = std::fopen(path.c_str(), "wx");  // never overwrite
    if (!file) throw std::runtime_error("cannot create '" + path + "'");
    ::chmod(path.c_str(), mode);
    const bool ok = write(file) == 1;
    std::fclose(file);
    if (!ok) throw std::runtime_error("cannot write '" + path + "'");
}

}  // namespace

void ensure_self_signed(const CertificateFiles& files, const std::vector<std::string>& names) {
    if (std::filesystem::exists(files.cert) && std::filesystem::exists(files.key)) return;
    std::error_code ignored;
    std::filesystem::remove(files.cert, ignored);  // a lone half of a pair is useless
    std::filesystem::remove(files.key, ignored);

    KeyPtr key(EVP_EC_gen("P-256"));
    check(key != nullptr, "key generation");
    CertPtr cert(X509_new());
    check(cert != nullptr, "X509_new");
    X509_set_version(cert.get(), 2);  // v3
    check(ASN1_INTEGER_set_int64(X509_get_serialNumber(cert.get()),
                                 static_cast<int64_t>(std::time(nullptr))) == 1, "serial");
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 825L * 24 * 3600);  // Apple's maximum
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("Peerline (self-signed)"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    X509_set_pubkey(cert.get(), key.get());

    std::string san;
    for (const auto& n : names) {
        boost::system::error_code ec;
        net::ip::make_address(n, ec);
        san += (san.empty() ? "" : ",") + std::string(ec ? "DNS:" : "IP:") + n;
    }
    add_extension(cert.get(), NID_subject_alt_name, san);
    add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
    check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "signing");

    write_pem(files.key, 0600, [&](FILE* f) {
        return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    write_pem(files.cert, 0644, [&](FILE* f) { return PEM_write_X509(f, cert.get()); });
}

std::shared_ptr<net::ssl::context> make_tls_context(const CertificateFiles& files) {
    auto ctx = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
    ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                     net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                     net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
    // Also as a floor, so a system openssl.cnf that lowers MinProtocol cannot bring back TLS
    // 1.0/1.1 (RFC 8996 deprecates them).
    if (SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION) != 1) {
        throw std::runtime_error("TLS: cannot require TLS 1.2 or later");
    }
    boost::system::error_code ec;
    ctx->use_certificate_chain_file(files.cert, ec);
    if (ec) throw std::runtime_error("TLS certificate '" + files.cert + "': " + ec.message());
    ctx->use_private_key_file(files.key, net::ssl::context::pem, ec);
    if (ec) throw std::runtime_error("TLS key '" + files.key + "': " + ec.message());
    return ctx;
}

}  // namespace peerline::server
