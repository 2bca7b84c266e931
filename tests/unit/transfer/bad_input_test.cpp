// What a misbehaving peer can send a receiver: frames out of order, duplicated, of the wrong
// length or for unknown transfers; offers with absurd sizes or dangerous names. Each is refused
// with a reason; nothing is written for it and nothing crashes.
#include <catch2/catch.hpp>

#include "link_pair.hpp"
#include "transfer/checksum.hpp"
#include "transfer/frame.hpp"

using namespace peerline::transfer;
using namespace peerline::transfer::test;
using nlohmann::json;
using peerline::Action;

namespace {

// A receiving Transfers driven directly, the test playing a (misbehaving) sender.
struct Receiver {
    Transfers transfers{LinkIds{"evil", 3, 0, 1, 9}};
    Transfers::Out out;

    Receiver() { transfers.on_channels_open(out); }
    void control(const std::string& text) {
        out.clear();
        json j = json::parse(text, nullptr, false);
        REQUIRE_FALSE(j.is_discarded());
        REQUIRE(transfers.on_control(j, out));
    }
    // The shell's part: each verified file is stored at once (FileSinkStored), and the storage
    // estimate says there is room; their answers join the same output.
    void frame(const std::string& bytes) {
        out.clear();
        transfers.on_binary(bytes, out);
        for (const auto& close : sent<peerline::CloseFileSink>()) {
            if (close.keep) transfers.on_sink_stored(close.sink, out);
        }
    }
    void accept(const std::string& id) {
        out.clear();
        transfers.accept(id, out);
        for (const auto& check : sent<peerline::CheckStorage>()) {
            transfers.on_storage_checked(peerline::StorageChecked{check.key, true, std::uint64_t{1} << 40, ""}, out);
        }
    }
    TransferView view(const std::string& id) const {
        for (const auto& v : transfers.view()) {
            if (v.id == id) return v;
        }
        FAIL("no transfer " << id);
        throw;
    }
    template <typename A>
    std::vector<A> sent() const {
        std::vector<A> found;
        for (const auto& a : out) {
            if (const auto* x = std::get_if<A>(&a)) found.push_back(*x);
        }
        return found;
    }
    // The control messages in the last output, parsed.
    std::vector<json> messages() const {
        std::vector<json> found;
        for (const auto& text : sent<peerline::SendChannelText>()) found.push_back(json::parse(text.text));
        return found;
    }
    std::string last_refusal() const {
        return transfers.refusals().empty() ? "" : transfers.refusals().back().code;
    }
};

std::string chunk(std::uint32_t transfer, std::uint32_t file, std::uint64_t offset, const std::string& bytes) {
    std::string out;
    write_chunk_frame(out, transfer, file, offset, bytes);
    return out;
}
std::string file_end(std::uint32_t transfer, std::uint32_t file, const std::string& bytes) {
    std::string out;
    write_file_end_frame(out, transfer, file, bytes.size(), digest_of(bytes));
    return out;
}
const std::string kOffer = R"({"type":"transfer-offer","transfer":"t1","files":[{"name":"a.txt","size":8,"mime":"text/plain"},{"name":"b.txt","size":4}]})";

void expect_failed_and_told(const Receiver& r, const std::string& code) {
    const TransferView v = r.view("in-t1");
    CHECK(v.state == State::failed);
    CHECK(v.reason.rfind(code, 0) == 0);
    const auto messages = r.messages();
    REQUIRE(messages.size() == 1);
    CHECK(messages[0]["type"] == "transfer-failed");
    CHECK(messages[0]["from"] == "receiver");
    CHECK(messages[0]["transfer"] == "t1");
    CHECK(r.sent<peerline::WriteFileSink>().empty());
}

}  // namespace

TEST_CASE("the happy path of the hand-driven receiver (the other cases differ from it by one frame)") {
    Receiver r;
    r.control(kOffer);
    r.accept("in-t1");
    r.frame(chunk(1, 0, 0, "abcd"));
    r.frame(chunk(1, 0, 4, "efgh"));
    r.frame(file_end(1, 0, "abcdefgh"));
    CHECK(r.messages().at(0)["type"] == "transfer-verified");
    r.frame(chunk(1, 1, 0, "ijkl"));
    r.frame(file_end(1, 1, "ijkl"));
    CHECK(r.view("in-t1").state == State::done);
    CHECK(r.transfers.refusals().empty());
}

TEST_CASE("a frame at the wrong offset fails the transfer with a reason") {
    Receiver r;
    r.control(kOffer);
    r.accept("in-t1");
    r.frame(chunk(1, 0, 0, "abcd"));
    r.frame(chunk(1, 0, 5, "fgh"));  // a gap
    expect_failed_and_told(r, "frame-out-of-order");
    CHECK(r.sent<peerline::CloseFileSink>().at(0).keep == false);
}

TEST_CASE("a duplicated frame fails the transfer") {
    Receiver r;
    r.control(kOffer);
    r.accept("in-t1");
    r.frame(chunk(1, 0, 0, "abcd"));
    r.frame(chunk(1, 0, 0, "abcd"));
    expect_failed_and_told(r, "frame-out-of-order");
}

TEST_CASE("a frame for the next file before this one ended fails the transfer") {
    Receiver r;
    r.control(kOffer);
    r.accept("in-t1");
    r.frame(chunk(1, 0, 0, "abcdefgh"));
    r.frame(chunk(1, 1, 0, "ijkl"));
    expect_failed_and_told(r, "frame-out-of-order");
}

TEST_CASE("more bytes than offered fail the transfer") {
    Receiver r;
    r.control(kOffer);
    r.accept("in-t1");
    r.frame(chunk(1, 0, 0, "abcdefghi"));
    expect_failed_and_told(r, "file-too-long");
}

TEST_CASE("an end frame whose size differs from the offer fails the transfer") {
    Receiver r;
    r.control(kOffer);
    r.accept("in-t1");
    r.frame(chunk(1, 0, 0, "abcdefgh"));
    r.frame(file_end(1, 0, "abcdefghX"));
    expect_failed_and_told(r, "file-size-mismatch");
}

TEST_CASE("a frame whose declared length is wrong fails the running transfer") {
    Receiver r;
    r.control(kOffer);
    r.accept("in-t1");
    r.frame(chunk(1, 0, 0, "abcd"));
    std::string bad = chunk(1, 0, 4, "efgh");
    bad.pop_back();
    r.frame(bad);
    expect_failed_and_told(r, "frame-length-mismatch");
}

TEST_CASE("frames of unknown transfers are refused and change nothing") {
    Receiver r;
    r.frame(chunk(42, 0, 0, "abcd"));
    CHECK(r.last_refusal() == "frame-unknown-transfer");
    CHECK(r.out.empty());
    r.frame("garbage");
    CHECK(r.last_refusal() == frame_error::kUnknownKind);
    CHECK(r.transfers.view().empty());
}

TEST_CASE("data before the offer was accepted fails it") {
    Receiver r;
    r.control(kOffer);
    r.frame(chunk(1, 0, 0, "abcd"));
    expect_failed_and_told(r, "frame-out-of-order");
}

TEST_CASE("frames of a finished transfer are ignored") {
    Receiver r;
    r.control(kOffer);
    r.accept("in-t1");
    r.out.clear();
    r.transfers.cancel("in-t1", r.out);
    r.frame(chunk(1, 0, 0, "abcd"));
    CHECK(r.out.empty());
    CHECK(r.last_refusal() == "frame-for-finished-transfer");
    CHECK(r.view("in-t1").state == State::cancelled);
}

TEST_CASE("a wrong checksum never shows done") {
    Receiver r;
    r.control(kOffer);
    r.accept("in-t1");
    r.frame(chunk(1, 0, 0, "abcdefgh"));
    r.frame(file_end(1, 0, "abcdefgX"));  // the sender hashed other bytes
    expect_failed_and_told(r, "checksum-mismatch");
    CHECK(r.sent<peerline::CloseFileSink>().at(0).keep == false);
}

TEST_CASE("offers that break a rule are refused with a reason, shown failed, and the sender is told") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {R"([{"name":"huge.iso","size":68719476737}])", "larger than 64 GiB"},
        {R"([{"name":"max.iso","size":18446744073709551615}])", "larger than 64 GiB"},
        {R"([{"name":"a","size":40000000000},{"name":"b","size":40000000000}])", "more than 64 GiB"},
        {R"([{"name":"../../.bashrc","size":1}])", "file name not allowed"},
        {R"([{"name":"dir\\evil.exe","size":1}])", "file name not allowed"},
        {R"([{"name":"<img src=x onerror=alert(1)>","size":1}])", "file name not allowed"},
        {R"([{"name":"..","size":1}])", "file name not allowed"},
        {R"([{"name":"CON","size":1}])", "file name not allowed"},
        {R"([{"name":"x\u202Efdp.exe","size":1}])", "file name not allowed"},
        {R"([{"name":"ok","size":-5}])", "size"},
        {R"([])", "at least one file"},
    };
    for (const auto& [files, why] : cases) {
        INFO(files);
        Receiver r;
        r.control(R"({"type":"transfer-offer","transfer":"t7","files":)" + files + "}");
        const auto messages = r.messages();
        REQUIRE(messages.size() == 1);
        CHECK(messages[0]["type"] == "transfer-decline");
        CHECK(messages[0]["transfer"] == "t7");
        CHECK(messages[0]["reason"].get<std::string>().find(why) != std::string::npos);
        const TransferView v = r.view("in-t7");
        CHECK(v.state == State::failed);
        CHECK(v.reason.rfind("refused: ", 0) == 0);
        for (const auto& f : v.files) {
            CHECK(f.name.find_first_of("/\\<>") == std::string::npos);
            CHECK(f.name != "..");
        }
    }
}

TEST_CASE("the sender shows the receiver's refusal as failed with its reason") {
    LinkPair link;
    link.open();
    const int pick = link.offer(link.a, {{"f", "x"}});
    link.act(link.a, [](Transfers& t, Transfers::Out& out) {
        t.on_control(json::parse(R"({"type":"transfer-decline","transfer":"t1","reason":"no\nspace"})"), out);
    });
    CHECK(link.view_of(link.a, "t1").state == State::failed);
    CHECK(link.view_of(link.a, "t1").reason == "refused by the receiver: no space");
    CHECK(link.a.released.count(pick) == 1);
}

TEST_CASE("the sender sanitizes its own names: the receiver saves them without a directory part") {
    LinkPair link;
    link.open();
    link.offer(link.a, {{"../../<b>.txt", "x"}, {"C:\\temp\\..", "y"}});
    const TransferView offered = link.view_of(link.b, "in-t1");
    REQUIRE(offered.state == State::offered);
    CHECK(offered.files[0].name == "_b_.txt");
    CHECK(offered.files[1].name == "file");
    link.act(link.b, [](Transfers& t, Transfers::Out& out) { t.accept("in-t1", out); });
    CHECK(link.view_of(link.b, "in-t1").state == State::done);
    std::set<std::string> names;
    for (const auto& [key, sink] : link.b.sinks) names.insert(sink.name);
    CHECK(names == std::set<std::string>{"_b_.txt", "file"});
}

TEST_CASE("too many offers waiting: the extra ones are declined without a view entry") {
    Receiver r;
    for (int i = 1; i <= static_cast<int>(kMaxPendingOffers) + 1; ++i) {
        r.control(R"({"type":"transfer-offer","transfer":"t)" + std::to_string(i) + R"(","files":[{"name":"f","size":1}]})");
    }
    CHECK(r.transfers.view().size() == kMaxPendingOffers);
    CHECK(r.messages().at(0)["type"] == "transfer-decline");
    CHECK(r.last_refusal() == "transfer-too-many-offers");
}

TEST_CASE("a second offer under an id already used is refused") {
    Receiver r;
    r.control(kOffer);
    r.control(R"({"type":"transfer-offer","transfer":"t1","files":[{"name":"other","size":1}]})");
    CHECK(r.last_refusal() == "transfer-duplicate-id");
    CHECK(r.view("in-t1").files.at(0).name == "a.txt");
}

TEST_CASE("control messages about unknown or finished transfers are refused, not obeyed") {
    Receiver r;
    r.control(R"({"type":"transfer-accept","transfer":"t5"})");
    CHECK(r.last_refusal() == "transfer-unexpected");
    r.control(R"({"type":"transfer-verified","transfer":"t5","file":0,"xxh3":"00000000000000000000000000000000"})");
    CHECK(r.last_refusal() == "transfer-unexpected");
    r.control(R"({"type":"transfer-cancel","transfer":"t5","from":"sender"})");
    CHECK(r.last_refusal() == "transfer-unexpected");
    r.control(R"({"type":"transfer-bogus","transfer":"t5"})");
    CHECK(r.last_refusal() == "transfer-unknown-type");
    CHECK(r.transfers.view().empty());
    json chat = json::parse(R"({"type":"chat","text":"hi"})");
    CHECK_FALSE(r.transfers.on_control(chat, r.out));
}

TEST_CASE("the sender refuses to offer what the receiver would refuse") {
    Transfers sender(LinkIds{"p", 1, 0, 1, 2});
    Transfers::Out out;
    sender.on_channels_open(out);
    out.clear();
    sender.offer(5, {peerline::FileMeta{"a", kMaxFileBytes + 1, ""}}, out);
    CHECK(sender.view().at(0).state == State::failed);
    CHECK(std::get<peerline::ReleaseFiles>(out.at(0)).pick == 5);
    out.clear();
    sender.offer(6, {}, out);
    CHECK(sender.view().at(1).reason == "no files to send");
    std::vector<peerline::FileMeta> many(kMaxFilesPerOffer + 1, peerline::FileMeta{"f", 1, ""});
    sender.offer(7, many, out);
    CHECK(sender.view().at(2).state == State::failed);
    CHECK_FALSE(sender.busy());
}
