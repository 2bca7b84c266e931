// Transfers: binary frames from the peer (receiving) and file reads from the shell (sending).
#include "transfer/transfers.hpp"

#include "transfer/checksum.hpp"
#include "transfer/names.hpp"

namespace peerline::transfer {
namespace {
std::string describe(const Error& e) { return e.code + ": " + e.message; }
}  // namespace

void Transfers::on_binary(std::string_view bytes, Out& out) {
    auto parsed = parse_frame(bytes);
    if (!parsed) {
        // The stream is corrupt: the transfer it belongs to cannot be trusted any more.
        if (IncomingTransfer* t = running_incoming()) {
            stop_incoming(*t, State::failed, describe(parsed.error()), t->current_file(), true, out);
        } else {
            refuse(parsed.error());
        }
        after(out);
        return;
    }
    const Frame& frame = parsed.value();
    const std::uint32_t number = std::visit([](const auto& f) { return f.transfer; }, frame);
    IncomingTransfer* t = find_incoming(number);
    if (!t || t->finished()) {
        // Finished: frames still in flight when we cancelled or failed it; expected, harmless.
        refuse(make_error(t ? "frame-for-finished-transfer" : "frame-unknown-transfer",
                          "frame of " + transfer_id(number) + (t ? ", which has finished" : ", never offered")));
        after(out);
        return;
    }
    if (const auto* abort = std::get_if<AbortFrame>(&frame)) {
        if (abort->cause == AbortCause::cancelled) {
            stop_incoming(*t, State::cancelled, "cancelled by the sender", -1, false, out);
        } else {
            std::string why = clean_reason(abort->reason);
            stop_incoming(*t, State::failed, "sender: " + (why.empty() ? "failed" : why), -1, false, out);
        }
        after(out);
        return;
    }
    if (t->state == State::offered) {
        stop_incoming(*t, State::failed, "frame-out-of-order: data before the offer was accepted", -1, true, out);
        after(out);
        return;
    }
    if (t->state == State::queued) {
        // The sender sends one transfer at a time; its first frame is how we learn it started.
        if (running_incoming()) {
            stop_incoming(*t, State::failed, "frame-out-of-order: frames of two transfers interleaved", -1, true, out);
            after(out);
            return;
        }
        t->set_state(State::running);
    }
    if (const auto* chunk = std::get_if<ChunkFrame>(&frame)) {
        if (auto wrong = t->on_chunk(*chunk, out)) {
            stop_incoming(*t, State::failed, describe(*wrong), t->current_file(), true, out);
        }
    } else if (const auto* sum = std::get_if<BlockSumFrame>(&frame)) {
        if (auto wrong = t->on_block_sum(*sum)) {
            stop_incoming(*t, State::failed, describe(*wrong), t->current_file(), true, out);
        }
    } else {
        // A match is not yet a verdict: the sender hears of it when the file is stored.
        if (auto wrong = t->on_file_end(std::get<FileEndFrame>(frame), out)) {
            stop_incoming(*t, State::failed, describe(*wrong), t->current_file(), true, out);
        }
    }
    after(out);
}

void Transfers::on_file_read(int pick, int file, std::uint64_t offset, std::string_view bytes, Out& out) {
    auto read = pump_.on_read(pick, file, offset, bytes, out);
    if (!read) {
        // on_read only fails for the transfer being sent.
        OutgoingTransfer* t = pump_.transfer();
        stop_outgoing(*t, State::failed, read.error().message, file, true, out);
    } else {
        pump(out);
    }
    after(out);
}

void Transfers::on_send_failed(std::string_view head, const std::string& reason, Out& out) {
    // Every frame starts kind u8 | transfer u32 (big-endian); chunks and file ends go on with
    // the file index u32.
    auto u32_at = [&](std::size_t at) {
        std::uint32_t v = 0;
        for (std::size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<std::uint8_t>(head[at + i]);
        return v;
    };
    OutgoingTransfer* t = head.size() >= 5 ? find_outgoing(transfer_id(u32_at(1))) : pump_.transfer();
    if (t && !t->finished()) {
        const std::int64_t file = head.size() >= 9 && head[0] != static_cast<char>(FrameKind::abort) ? u32_at(5) : -1;
        const std::string why = "the browser could not send it: " + clean_reason(reason);
        // Over the control channel: the files channel just refused a message, an abort frame
        // behind it could be refused too. Frames already in flight reach a finished transfer.
        send(FailedMessage{t->id, Role::sender, file, why}, out);
        stop_outgoing(*t, State::failed, why, file, /*tell_peer=*/false, out);
    }
    after(out);
}

void Transfers::on_file_read_failed(int pick, int file, const std::string& reason, Out& out) {
    OutgoingTransfer* t = pump_.transfer();
    if (t && t->pick == pick) {
        const std::string name = file >= 0 && static_cast<std::size_t>(file) < t->files.size() ? t->files[file].name : "?";
        stop_outgoing(*t, State::failed, "could not read `" + name + "`: " + clean_reason(reason), file, true, out);
    }
    after(out);
}

}  // namespace peerline::transfer
