// File names, MIME types and reasons from a peer.
#include <catch2/catch.hpp>

#include "transfer/limits.hpp"
#include "transfer/names.hpp"

using namespace peerline::transfer;

TEST_CASE("file names lose every directory part, both separators") {
    CHECK(sanitize_file_name("photo.jpg") == "photo.jpg");
    CHECK(sanitize_file_name("../../etc/passwd") == "passwd");
    CHECK(sanitize_file_name("C:\\Users\\me\\notes.txt") == "notes.txt");
    CHECK(sanitize_file_name("a/b\\c/d.txt") == "d.txt");
    CHECK(sanitize_file_name("dir/") == "file");
}

TEST_CASE("dot names, empty names and trailing dots") {
    CHECK(sanitize_file_name("..") == "file");
    CHECK(sanitize_file_name(".") == "file");
    CHECK(sanitize_file_name("") == "file");
    CHECK(sanitize_file_name(".bashrc") == "bashrc");
    CHECK(sanitize_file_name("  ...hidden. . ") == "hidden");
    CHECK(sanitize_file_name("report.pdf.") == "report.pdf");
    CHECK(sanitize_file_name("a..b.txt") == "a..b.txt");
}

TEST_CASE("markup, control, bidi and Windows-forbidden characters become '_'") {
    CHECK(sanitize_file_name("<img src=x onerror=alert(1)>.png") == "_img src=x onerror=alert(1)_.png");
    CHECK(sanitize_file_name("a:b*c?d|e\"f.txt") == "a_b_c_d_e_f.txt");
    CHECK(sanitize_file_name(std::string("line\nbreak\x01\x7f.txt")) == "line_break__.txt");
    // U+202E RIGHT-TO-LEFT OVERRIDE would show "invoice\u202Efdp.exe" as "invoiceexe.pdf".
    CHECK(sanitize_file_name("invoice\xE2\x80\xAE" "fdp.exe") == "invoice_fdp.exe");
    CHECK(sanitize_file_name("caf\xC3\xA9 \xF0\x9F\x98\x80.txt") == "caf\xC3\xA9 \xF0\x9F\x98\x80.txt");  // UTF-8 kept
    CHECK(sanitize_file_name("bad\xC3(\xFF.txt") == "bad_(_.txt");                                  // invalid UTF-8
    CHECK(sanitize_file_name("over\xC0\xAFlong") == "over__long");                                    // overlong '/'
    CHECK(sanitize_file_name("surrogate\xED\xA0\x80") == "surrogate___");
}

TEST_CASE("Windows device names get a prefix") {
    CHECK(sanitize_file_name("CON") == "_CON");
    CHECK(sanitize_file_name("nul.txt") == "_nul.txt");
    CHECK(sanitize_file_name("com1.tar.gz") == "_com1.tar.gz");
    CHECK(sanitize_file_name("LPT9") == "_LPT9");
    CHECK(sanitize_file_name("console.txt") == "console.txt");
    CHECK(sanitize_file_name("com10") == "com10");
}

TEST_CASE("long names are cut on a UTF-8 boundary, keeping the extension") {
    std::string stem;
    for (int i = 0; i < 200; ++i) stem += "\xC3\xA9";  // 400 bytes of é
    const std::string name = sanitize_file_name(stem + ".jpeg");
    CHECK(name.size() <= kMaxNameBytes);
    CHECK(name.size() >= kMaxNameBytes - 1);
    CHECK(name.substr(name.size() - 5) == ".jpeg");
    CHECK(sanitize_file_name(name) == name);
    const std::string plain = sanitize_file_name(std::string(1000, 'x'));
    CHECK(plain == std::string(kMaxNameBytes, 'x'));
}

TEST_CASE("sanitizing is idempotent, so the receiver can check names with it") {
    const char* samples[] = {"a/b", "..", " CON .txt", "x\xE2\x80\xAE.exe", "<b>", "\xF0\x9F\x98", "a. . .",
                             "...", "com1", "ok name (1).zip"};
    for (const char* s : samples) {
        const std::string once = sanitize_file_name(s);
        CHECK(sanitize_file_name(once) == once);
        CHECK(is_clean_file_name(once));
    }
    CHECK_FALSE(is_clean_file_name("../x"));
    CHECK_FALSE(is_clean_file_name("<script>.html"));
    CHECK(is_clean_file_name("holiday.jpg"));
}

TEST_CASE("only MIME types that cannot run as a page of our origin pass") {
    CHECK(safe_mime("image/PNG") == "image/png");
    CHECK(safe_mime("video/mp4; codecs=avc1") == "video/mp4");
    CHECK(safe_mime("text/plain") == "text/plain");
    CHECK(safe_mime("application/pdf") == "application/pdf");
    CHECK(safe_mime("text/html") == "application/octet-stream");
    CHECK(safe_mime("image/svg+xml") == "application/octet-stream");
    CHECK(safe_mime("application/xhtml+xml") == "application/octet-stream");
    CHECK(safe_mime("application/javascript") == "application/octet-stream");
    CHECK(safe_mime("") == "application/octet-stream");
    CHECK(safe_mime("image/<b>") == "application/octet-stream");
    CHECK(safe_mime(std::string(500, 'a')) == "application/octet-stream");
}

TEST_CASE("reasons are one line of valid UTF-8, bounded") {
    CHECK(clean_reason("disk\nfull") == "disk full");
    CHECK(clean_reason("bad\xFFutf") == "bad?utf");
    CHECK(clean_reason("a\xE2\x80\xAE" "b") == "ab");
    const std::string long_reason = clean_reason(std::string(1000, 'r'));
    CHECK(long_reason.size() == kMaxReasonBytes);
    std::string accents;
    for (int i = 0; i < 300; ++i) accents += "\xC3\xA9";
    const std::string cut = clean_reason(accents);
    CHECK(cut.size() == kMaxReasonBytes);  // 200 is even: 100 whole é
    CHECK(clean_reason(cut) == cut);
}
