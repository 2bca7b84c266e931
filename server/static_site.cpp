#include "static_site.hpp"

#include <cstdio>
#include <system_error>

#include "mime.hpp"
#include "qr_code.hpp"

namespace peerline::server {
namespace {

constexpr const char* kServerName = "Peerline";

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// True if Accept-Encoding lists gzip without q=0 (RFC 9110 §12.5.3), e.g. "gzip, deflate, br".
bool accepts_gzip(std::string_view header) {
    while (!header.empty()) {
        auto comma = header.find(',');
        std::string_view item = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);

        auto semi = item.find(';');
        std::string_view coding = item.substr(0, semi);
        while (!coding.empty() && coding.front() == ' ') coding.remove_prefix(1);
        while (!coding.empty() && coding.back() == ' ') coding.remove_suffix(1);
        if (!beast::iequals(coding, "gzip") && coding != "*") continue;
        if (semi == std::string_view::npos) return true;
        std::string_view params = item.substr(semi + 1);
        auto q = params.find("q=");
        if (q == std::string_view::npos) return true;
        std::string_view value = params.substr(q + 2);
        // q=0, q=0.0, q=0.000 mean "not acceptable".
        bool zero = !value.empty() && value.front() == '0';
        for (std::size_t i = 1; zero && i < value.size() && value[i] != ' '; ++i) {
            if (value[i] != '.' && value[i] != '0') zero = false;
        }
        if (!zero) return true;
    }
    return false;
}

bool is_file(const std::filesystem::path& path) {
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec);
}

// A validator for one representation of a file (RFC 9110 §8.8.3): its modification time and
// size, as nginx does, and which encoding it is (the gzip and plain bodies differ). A rebuilt
// file gets a new one; an unchanged file answers a revalidation with 304 and no body.
std::string entity_tag(const std::filesystem::path& served, std::uintmax_t size, bool gzip) {
    std::error_code ec;
    const auto written = std::filesystem::last_write_time(served, ec);
    const auto stamp = ec ? 0LL : static_cast<long long>(written.time_since_epoch().count());
    char tag[64];
    std::snprintf(tag, sizeof tag, "\"%llx-%llx%s\"", static_cast<unsigned long long>(stamp),
                  static_cast<unsigned long long>(size), gzip ? "-gz" : "");
    return tag;
}

// If-None-Match lists `tag` (weak comparison, RFC 9110 §13.1.2: a W/ prefix is ignored), or "*".
bool none_match_lists(std::string_view header, std::string_view tag) {
    while (!header.empty()) {
        auto comma = header.find(',');
        std::string_view item = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (item.substr(0, 2) == "W/") item.remove_prefix(2);
        if (item == "*" || item == tag) return true;
    }
    return false;
}

// (The security headers, nosniff among them, are set on every reply in http_session.cpp.)
template <typename Body>
void common_headers(http::response<Body>& response, const Request& request) {
    response.set(http::field::server, kServerName);
    response.keep_alive(request.keep_alive());
}

}  // namespace

std::string_view target_path(std::string_view target) {
    return target.substr(0, target.find('?'));
}

std::string safe_path(std::string_view target) {
    std::string_view raw = target_path(target);
    if (raw.empty() || raw.front() != '/') return {};
    std::string path;
    path.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '%') {
            if (i + 2 >= raw.size()) return {};
            int hi = hex_value(raw[i + 1]);
            int lo = hex_value(raw[i + 2]);
            if (hi < 0 || lo < 0) return {};
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
        }
        if (c == '\0' || c == '\\') return {};
        path.push_back(c);
    }
    // Reject any `..` segment (and `.` or empty: no aliases of one file under two names).
    std::size_t start = 1;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        std::string_view segment(path.data() + start, end - start);
        if (segment == ".." || segment == ".") return {};
        // An empty segment ("//etc/passwd", "/%2fetc"): root_ / "/etc/passwd" would be absolute,
        // and std::filesystem's operator/ then drops the root. Only a trailing '/' may be empty.
        if (segment.empty() && end != path.size()) return {};
        start = end + 1;
    }
    return path;
}

http::response<http::string_body> text_reply(const Request& request, http::status status,
                                             std::string text) {
    http::response<http::string_body> response{status, request.version()};
    common_headers(response, request);
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.set(http::field::cache_control, "no-cache");
    if (request.method() == http::verb::head) {
        response.content_length(text.size());
    } else {
        response.body() = std::move(text);
        response.prepare_payload();
    }
    return response;
}

// The page's invite link as a QR code; the text is the client's own link, echoed as an image.
Reply StaticSite::qr_reply(const Request& request) const {
    const auto text = query_value(request.target(), "text");
    const auto svg = text ? qr_svg(*text) : std::nullopt;
    if (!svg) {
        return text_reply(request, http::status::bad_request,
                          "qr.svg needs ?text= of 1 to " + std::to_string(kMaxQrTextBytes) + " bytes\n");
    }
    auto response = text_reply(request, http::status::ok, *svg);
    response.set(http::field::content_type, "image/svg+xml");
    response.set(http::field::cache_control, "no-store");
    return response;
}

StaticSite::StaticSite(std::filesystem::path root) : root_(std::move(root)) {}

Reply StaticSite::respond(const Request& request) const {
    const auto method = request.method();
    if (method != http::verb::get && method != http::verb::head) {
        auto response = text_reply(request, http::status::method_not_allowed, "method not allowed\n");
        response.set(http::field::allow, "GET, HEAD");
        return response;
    }
    if (target_path(request.target()) == "/healthz") {
        return text_reply(request, http::status::ok, "ok");
    }
    if (target_path(request.target()) == "/qr.svg") return qr_reply(request);

    std::string path = safe_path(request.target());
    if (path.empty()) return text_reply(request, http::status::bad_request, "bad request target\n");
    if (path.back() == '/') path += "index.html";

    const std::filesystem::path file = root_ / path.substr(1);
    if (!is_file(file)) return text_reply(request, http::status::not_found, "not found\n");

    // A precompressed sibling (built next to the file) saves compressing on every request.
    std::filesystem::path gz = file;
    gz += ".gz";
    const bool has_gz = is_file(gz);
    const bool use_gz = has_gz && accepts_gzip(request[http::field::accept_encoding]);

    beast::error_code ec;
    http::file_body::value_type body;
    body.open((use_gz ? gz : file).c_str(), beast::file_mode::scan, ec);
    if (ec == beast::errc::no_such_file_or_directory) {
        return text_reply(request, http::status::not_found, "not found\n");
    }
    if (ec) return text_reply(request, http::status::internal_server_error, "cannot read file\n");
    const auto size = body.size();
    const std::string etag = entity_tag(use_gz ? gz : file, size, use_gz);

    // no-cache: the browser (and the page's service worker) may keep a copy but asks each time;
    // the ETag makes that question cost a 304 of a few hundred bytes.
    auto set_headers = [&](auto& response) {
        common_headers(response, request);
        response.set(http::field::content_type, mime_type(file.native()));
        response.set(http::field::cache_control, "no-cache");
        response.set(http::field::etag, etag);
        if (use_gz) response.set(http::field::content_encoding, "gzip");
        if (has_gz) response.set(http::field::vary, "Accept-Encoding");
    };
    if (none_match_lists(request[http::field::if_none_match], etag)) {
        http::response<http::empty_body> response{http::status::not_modified, request.version()};
        set_headers(response);
        return response;
    }
    if (method == http::verb::head) {
        http::response<http::empty_body> response{http::status::ok, request.version()};
        set_headers(response);
        response.content_length(size);
        return response;
    }
    http::response<http::file_body> response{std::piecewise_construct,
                                              std::make_tuple(std::move(body)),
                                              std::make_tuple(http::status::ok, request.version())};
    set_headers(response);
    response.content_length(size);
    return response;
}

}  // namespace peerline::server
