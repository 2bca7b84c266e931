// Transfers: the JSON control messages from the peer.
#include "transfer/transfers.hpp"

#include <algorithm>

#include "transfer/checksum.hpp"
#include "transfer/names.hpp"

namespace peerline::transfer {

bool Transfers::on_control(const nlohmann::json& message, Out& out) {
    if (!is_transfer_message(message)) return false;
    auto parsed = parse_message(message);
    if (!parsed) {
        // An offer we can name but not read is refused, so its sender is not left waiting.
        const auto type = message.find("type")->get_ref<const std::string&>();
        const auto id = message.find("transfer");
        std::uint32_t number = 0;
        if (type == "transfer-offer" && id != message.end() && id->is_string() &&
            parse_transfer_id(id->get_ref<const std::string&>(), number) && !find_incoming(number)) {
            refuse_offer(id->get_ref<const std::string&>(), {}, parsed.error().message, out);
        } else {
            refuse(parsed.error());
        }
        after(out);
        return true;
    }
    std::visit(
        [&](const auto& m) {
            using M = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<M, OfferMessage>) on_offer(m, out);
            else if constexpr (std::is_same_v<M, AcceptMessage>) on_accept(m, out);
            else if constexpr (std::is_same_v<M, DeclineMessage>) on_decline(m, out);
            else if constexpr (std::is_same_v<M, CancelMessage>) on_cancel(m, out);
            else if constexpr (std::is_same_v<M, FailedMessage>) on_failed(m, out);
            else if constexpr (std::is_same_v<M, ResumeMessage>) on_resume(m, out);
            else on_verified(m, out);
        },
        parsed.value());
    after(out);
    return true;
}

void Transfers::on_offer(const OfferMessage& m, Out& out) {
    std::uint32_t number = 0;
    parse_transfer_id(m.transfer, number);  // checked by parse_message
    if (IncomingTransfer* old = find_incoming(number)) {
        if (old->link == link_generation_) {
            refuse(make_error("transfer-duplicate-id", "a second offer " + m.transfer));
            return;
        }
        // Kept from an earlier link, and the sender numbers from t1 again: it is a new page,
        // and what we waited for is gone.
        if (!old->finished()) stop_incoming(*old, State::failed, "the sender started over", -1, false, out);
        delete_stored(*old, out);
        incoming_.erase(std::find_if(incoming_.begin(), incoming_.end(), [&](const auto& t) { return t.get() == old; }));
    }
    std::size_t pending = 0;
    for (const auto& t : incoming_) pending += t->state == State::offered ? 1 : 0;
    if (pending >= kMaxPendingOffers) {
        send(DeclineMessage{m.transfer, "too many offers waiting for an answer"}, out);
        refuse(make_error("transfer-too-many-offers", "offer " + m.transfer + " refused: " +
                                                          std::to_string(pending) + " waiting"));
        return;
    }
    std::vector<FileRecord> files;
    std::string why;
    std::uint64_t total = 0;
    for (const auto& offered : m.files) {
        FileRecord f;
        f.name = sanitize_file_name(offered.name);
        f.size = offered.size;
        f.mime = safe_mime(offered.mime);
        if (why.empty() && !is_clean_file_name(offered.name)) {
            why = "file name not allowed: \"" + clean_reason(offered.name) + "\"";
        }
        if (why.empty() && offered.size > kMaxFileBytes) {
            why = "`" + f.name + "` is larger than " + std::to_string(kMaxFileBytes / kGiB) + " GiB";
        }
        total += std::min(offered.size, kMaxFileBytes + 1);
        files.push_back(std::move(f));
    }
    if (why.empty() && total > kMaxOfferBytes) {
        why = "more than " + std::to_string(kMaxOfferBytes / kGiB) + " GiB in one offer";
    }
    if (!why.empty()) {
        refuse_offer(m.transfer, std::move(files), why, out);
        return;
    }
    auto t = std::make_unique<IncomingTransfer>(number, ids_.peer + "/" + std::to_string(ids_.pc) + "/" +
                                                            incoming_local_id(number) + "/");
    t->id = incoming_local_id(number);
    t->direction = Direction::incoming;
    t->order = next_order_++;
    t->revision = revision_.get();
    t->link = link_generation_;
    t->files = std::move(files);
    // Framing v2 only with the block size we keep checksums for; any other: a plain v1 transfer.
    t->block_bytes = v2_ && m.blocks == kBlockBytes ? kBlockBytes : 0;
    t->set_state(State::offered);
    incoming_.push_back(std::move(t));
}

void Transfers::refuse_offer(const std::string& wire_id, std::vector<FileRecord> files, const std::string& why,
                             Out& out) {
    send(DeclineMessage{wire_id, why}, out);
    std::uint32_t number = 0;
    if (!parse_transfer_id(wire_id, number) || find_incoming(number)) return;
    auto t = std::make_unique<IncomingTransfer>(number, std::string());
    t->id = incoming_local_id(number);
    t->direction = Direction::incoming;
    t->order = next_order_++;
    t->revision = revision_.get();
    t->files = std::move(files);
    t->end(State::failed, "refused: " + why);
    incoming_.push_back(std::move(t));
}

void Transfers::on_accept(const AcceptMessage& m, Out& out) {
    OutgoingTransfer* t = find_outgoing(m.transfer);
    if (!t || t->state != State::offered) {
        refuse(make_error("transfer-unexpected", "accept of " + m.transfer + ", which is not waiting for it"));
        return;
    }
    // Only a receiver that echoes our block size gets block checksums: an older one ignores the
    // offer's "blocks" and gets the plain v1 transfer it understands.
    t->block_bytes = v2_ && m.blocks == kBlockBytes ? kBlockBytes : 0;
    t->set_state(State::queued);
    accepted_.push_back(t);
    pump(out);
}

void Transfers::on_decline(const DeclineMessage& m, Out& out) {
    OutgoingTransfer* t = find_outgoing(m.transfer);
    if (!t || t->state != State::offered) {
        refuse(make_error("transfer-unexpected", "decline of " + m.transfer + ", which is not waiting for it"));
        return;
    }
    if (m.reason.empty()) stop_outgoing(*t, State::declined, "declined", -1, false, out);
    else stop_outgoing(*t, State::failed, "refused by the receiver: " + clean_reason(m.reason), -1, false, out);
}

void Transfers::on_cancel(const CancelMessage& m, Out& out) {
    std::uint32_t number = 0;
    parse_transfer_id(m.transfer, number);
    if (m.from == Role::receiver) {
        if (OutgoingTransfer* t = find_outgoing(m.transfer); t && !t->finished()) {
            stop_outgoing(*t, State::cancelled, "cancelled by the receiver", -1, false, out);
            return;
        }
    } else if (IncomingTransfer* t = find_incoming(number); t && !t->finished()) {
        stop_incoming(*t, State::cancelled, "cancelled by the sender", -1, false, out);
        return;
    }
    refuse(make_error("transfer-unexpected", "cancel of " + m.transfer + ", unknown or finished"));
}

void Transfers::on_failed(const FailedMessage& m, Out& out) {
    std::uint32_t number = 0;
    parse_transfer_id(m.transfer, number);
    std::string why = clean_reason(m.reason);
    if (why.empty()) why = "failed on the other side";
    if (m.from == Role::receiver) {
        if (OutgoingTransfer* t = find_outgoing(m.transfer); t && !t->finished()) {
            stop_outgoing(*t, State::failed, "receiver: " + why, m.file, false, out);
            return;
        }
    } else if (IncomingTransfer* t = find_incoming(number); t && !t->finished()) {
        stop_incoming(*t, State::failed, "sender: " + why, m.file, false, out);
        return;
    }
    refuse(make_error("transfer-unexpected", "failure of " + m.transfer + ", unknown or finished"));
}

void Transfers::on_verified(const VerifiedMessage& m, Out& out) {
    OutgoingTransfer* t = find_outgoing(m.transfer);
    // Queued or reconnecting too: a verdict said while the link dropped arrives on the next one.
    const bool waits = t && (t->state == State::running || t->state == State::queued || t->state == State::reconnecting);
    if (!waits || m.file >= t->files.size() || !t->end_sent[m.file] ||
        t->files[m.file].state == State::done) {
        refuse(make_error("transfer-unexpected", "verdict on file " + std::to_string(m.file) + " of " +
                                                     m.transfer + ", which was not sent"));
        return;
    }
    if (m.xxh3 != to_hex(t->digests[m.file])) {
        stop_outgoing(*t, State::failed, "the receiver verified a different checksum", m.file, true, out);
        return;
    }
    t->files[m.file].state = State::done;
    t->publish();
    if (t->all_verified()) {
        accepted_.erase(std::remove(accepted_.begin(), accepted_.end(), t), accepted_.end());
        if (pump_.transfer() == t) pump_.stop();
        t->end(State::done, "");
        out.push_back(ReleaseFiles{t->pick});
    }
}

}  // namespace peerline::transfer
