#include "qr_code.hpp"

#include <cstdint>
#include <vector>

#include <qrcodegen/qrcodegen.hpp>

namespace peerline::server {
namespace {

using qrcodegen::QrCode;

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> percent_decode(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '+') {
            out.push_back(' ');
        } else if (raw[i] == '%') {
            if (i + 2 >= raw.size()) return std::nullopt;
            const int hi = hex_digit(raw[i + 1]), lo = hex_digit(raw[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else {
            out.push_back(raw[i]);
        }
    }
    return out;
}

}  // namespace

std::string qr_terminal(const std::string& text) {
    const QrCode qr = QrCode::encodeText(text.c_str(), QrCode::Ecc::LOW);
    const int quiet = 2;
    const int size = qr.getSize();
    // Outside the symbol counts as light; light is drawn, dark is left blank.
    auto light = [&](int x, int y) {
        return x < 0 || y < 0 || x >= size || y >= size || !qr.getModule(x, y);
    };
    std::string out;
    for (int y = -quiet; y < size + quiet; y += 2) {
        for (int x = -quiet; x < size + quiet; ++x) {
            const bool top = light(x, y);
            const bool bottom = light(x, y + 1);
            out += top && bottom ? "\u2588" : top ? "\u2580" : bottom ? "\u2584" : " ";
        }
        out += '\n';
    }
    return out;
}

std::optional<std::string> qr_svg(std::string_view text) {
    if (text.empty() || text.size() > kMaxQrTextBytes) return std::nullopt;
    const std::vector<std::uint8_t> bytes(text.begin(), text.end());
    // Binary segments: any bytes (UTF-8 included) encode; 512 bytes always fit at ECC level M.
    const QrCode qr = QrCode::encodeBinary(bytes, QrCode::Ecc::MEDIUM);
    const int quiet = 4;
    const int size = qr.getSize();
    const int total = size + 2 * quiet;
    std::string path;
    for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
            if (qr.getModule(x, y)) {
                path += "M" + std::to_string(x + quiet) + "," + std::to_string(y + quiet) + "h1v1h-1z";
            }
        }
    }
    const std::string view = std::to_string(total);
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + view + " " + view +
           "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
           "<path fill=\"#000\" d=\"" + path + "\"/></svg>\n";
}

std::optional<std::string> query_value(std::string_view target, std::string_view key) {
    const auto question = target.find('?');
    if (question == std::string_view::npos) return std::nullopt;
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        const auto eq = pair.find('=');
        if (pair.substr(0, eq) == key) {
            return eq == std::string_view::npos ? std::optional<std::string>("") : percent_decode(pair.substr(eq + 1));
        }
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

}  // namespace peerline::server
