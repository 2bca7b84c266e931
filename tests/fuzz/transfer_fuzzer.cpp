// libFuzzer target: a peer that sends anything. The input is split into messages; each goes to
// a receiving Transfers as a control message (JSON) or a binary frame, with the receiver's own
// decisions (accept, cancel) and its shell's answers mixed in, so every state is reached:
// no offer, offered, queued, running mid-file, finished. Checks the promises that hold whatever
// the peer sends: no crash or UB (ASan/UBSan), a sink is written only while open and never
// kept unless its file is shown done with the bytes it was offered with, names are clean.
//
// Input: records of [op u8][len u16 LE][len bytes]. The ops make well-formed frames easy to
// reach (so the fuzzer gets past parse_frame), the raw ones cover everything else.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "transfer/checksum.hpp"
#include "transfer/frame.hpp"
#include "transfer/names.hpp"
#include "transfer/transfers.hpp"

using namespace peerline;
using namespace peerline::transfer;

namespace {

struct Sink {
    std::string bytes;
    std::uint64_t size = 0;
    bool open = true;
    bool kept = false;
    bool deleted = false;
};

void check(bool ok) {
    if (!ok) std::abort();
}

// Executes `out` as a shell would; the shell's answers (estimates, stored files) are handed to
// `transfers` at once, and their actions executed in turn.
void execute(Transfers& transfers, Transfers::Out out, std::map<std::string, Sink>& sinks, bool storage_full) {
    Transfers::Out answers;
    for (const auto& action : out) {
        if (const auto* open = std::get_if<OpenFileSink>(&action)) {
            check(!sinks.count(open->sink));
            check(is_clean_file_name(open->name));
            sinks[open->sink] = Sink{{}, open->size, true, false};
        } else if (const auto* write = std::get_if<WriteFileSink>(&action)) {
            auto it = sinks.find(write->sink);
            check(it != sinks.end() && it->second.open);
            it->second.bytes += write->bytes;
            check(it->second.bytes.size() <= it->second.size);
        } else if (const auto* close = std::get_if<CloseFileSink>(&action)) {
            auto it = sinks.find(close->sink);
            check(it != sinks.end() && !it->second.deleted);
            if (!close->keep) {  // a delete: of an open sink, or of one kept before
                it->second.deleted = true;
                it->second.open = it->second.kept = false;
                continue;
            }
            check(it->second.open);
            it->second.open = false;
            it->second.kept = true;
            check(it->second.bytes.size() == it->second.size);
            check(transfers.on_sink_stored(close->sink, answers));
        } else if (const auto* estimate = std::get_if<CheckStorage>(&action)) {
            StorageChecked e{estimate->key, true, storage_full ? 0 : std::uint64_t{1} << 40, ""};
            check(transfers.on_storage_checked(e, answers));
        } else if (const auto* text = std::get_if<SendChannelText>(&action)) {
            check(!nlohmann::json::parse(text->text, nullptr, false).is_discarded());
        }
    }
    if (!answers.empty()) execute(transfers, std::move(answers), sinks, storage_full);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Transfers transfers(LinkIds{"fuzz", 1, 0, 1, 2});
    std::map<std::string, Sink> sinks;
    Transfers::Out out;
    transfers.on_channels_open(out);
    // A running hash per (transfer, file) so that op 4 can send a matching end frame.
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::pair<Checksum, std::uint64_t>> sent;

    std::size_t pos = 0;
    while (pos + 3 <= size) {
        const std::uint8_t op = data[pos];
        const std::size_t len = std::min<std::size_t>(data[pos + 1] | (data[pos + 2] << 8), size - pos - 3);
        const std::string_view body(reinterpret_cast<const char*>(data + pos + 3), len);
        pos += 3 + len;
        out.clear();
        const auto u8 = [&](std::size_t i) { return i < body.size() ? static_cast<std::uint8_t>(body[i]) : 0; };
        const std::uint32_t transfer = 1 + u8(0) % 4;
        const std::uint32_t file = u8(1) % 3;
        switch (op % 9) {
            case 0: {  // raw control text
                auto json = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
                if (!json.is_discarded()) transfers.on_control(json, out);
                break;
            }
            case 1:  // raw binary frame
                transfers.on_binary(body, out);
                break;
            case 2: {  // a plausible offer: sizes and names from the input
                nlohmann::json files = nlohmann::json::array();
                for (std::size_t i = 2; i + 1 < body.size() && files.size() < 3; i += 2) {
                    // A clean name mostly; a raw one (whatever follows) when the high bit says so.
                    const std::string name = u8(i) & 0x80 ? std::string(body.substr(i + 2, u8(i) % 8))
                                                          : "f" + std::to_string(u8(i) % 10);
                    files.push_back({{"name", name}, {"size", u8(i + 1) % 100}});
                }
                transfers.on_control({{"type", "transfer-offer"}, {"transfer", transfer_id(transfer)}, {"files", files}}, out);
                break;
            }
            case 3: {  // a chunk at the offset the receiver expects (or near it)
                auto& [hash, offset] = sent[{transfer, file}];
                const std::string_view bytes = body.substr(std::min<std::size_t>(2, body.size()));
                std::string frame;
                write_chunk_frame(frame, transfer, file, offset + (u8(0) & 0x80 ? 1 : 0), bytes);
                transfers.on_binary(frame, out);
                hash.update(bytes);
                offset += bytes.size();
                break;
            }
            case 4: {  // the end frame matching what op 3 sent
                auto& [hash, offset] = sent[{transfer, file}];
                std::string frame;
                write_file_end_frame(frame, transfer, file, offset, hash.digest());
                transfers.on_binary(frame, out);
                break;
            }
            case 5: {
                std::string frame;
                write_abort_frame(frame, transfer, u8(1) & 1 ? AbortCause::failed : AbortCause::cancelled, body);
                transfers.on_binary(frame, out);
                break;
            }
            case 6:
                transfers.accept("in-" + transfer_id(transfer), out);
                break;
            case 7:
                if (u8(1) & 1) transfers.cancel("in-" + transfer_id(transfer), out);
                else transfers.decline("in-" + transfer_id(transfer), out);
                break;
            case 8:
                if (u8(1) & 1) transfers.on_timer(2, out);
                else transfers.on_link_lost(std::string(body), out);
                break;
        }
        execute(transfers, std::move(out), sinks, /*storage_full=*/(u8(1) & 0x40) != 0);
    }

    // Kept sinks belong to files shown done; failed or cancelled files have no kept sink.
    for (const auto& t : transfers.view()) {
        check(t.done <= t.total);
        for (const auto& f : t.files) {
            check(is_clean_file_name(f.name));
            if (f.state == State::done && t.direction == Direction::incoming) {
                auto it = sinks.find(f.sink);
                check(it != sinks.end() && it->second.kept && it->second.bytes.size() == f.size);
            }
        }
    }
    return 0;
}
