// DataLink: the user's file commands, the shell's reads and storage answers, and the hand-over
// of transfers that wait to resume to the next link (docs/transfer.md "Resume").
#include "link/data_link.hpp"

namespace peerline::link {

transfer::LinkIds DataLink::transfer_ids() const {
    return transfer::LinkIds{ids_.peer, ids_.pc, kControlChannel, kFilesChannel, ids_.progress_timer, ids_.resume_timer};
}

transfer::Transfers DataLink::take_transfers(Out& out) {
    transfers_.drop_finished(out);
    transfer::Transfers taken = std::move(transfers_);
    transfers_ = transfer::Transfers(transfer_ids());  // this link is closed; it shows nothing more
    return taken;
}

void DataLink::adopt_transfers(transfer::Transfers transfers) {
    transfers_ = std::move(transfers);
    transfers_.rebind(transfer_ids());
    apply_message_limit();
}

void DataLink::offer_files(int pick, const std::vector<FileMeta>& files, Out& out) {
    if (closed()) {
        out.push_back(ReleaseFiles{pick});
        return;
    }
    with_transfers([&](Out& o) { transfers_.offer(pick, files, o); }, out);
}

void DataLink::accept_files(const std::string& transfer, Out& out) {
    with_transfers([&](Out& o) { transfers_.accept(transfer, o); }, out);
}

void DataLink::decline_files(const std::string& transfer, Out& out) {
    with_transfers([&](Out& o) { transfers_.decline(transfer, o); }, out);
}

void DataLink::cancel_transfer(const std::string& transfer, Out& out) {
    with_transfers([&](Out& o) { transfers_.cancel(transfer, o); }, out);
}

void DataLink::on_file_read(int pick, int file, std::uint64_t offset, std::string_view bytes, Out& out) {
    with_transfers([&](Out& o) { transfers_.on_file_read(pick, file, offset, bytes, o); }, out);
}

void DataLink::on_file_read_failed(int pick, int file, const std::string& reason, Out& out) {
    with_transfers([&](Out& o) { transfers_.on_file_read_failed(pick, file, reason, o); }, out);
}

bool DataLink::on_storage_checked(const StorageChecked& e, Out& out) {
    bool ours = false;
    with_transfers([&](Out& o) { ours = transfers_.on_storage_checked(e, o); }, out);
    return ours;
}

bool DataLink::on_sink_stored(const std::string& sink, Out& out) {
    bool ours = false;
    with_transfers([&](Out& o) { ours = transfers_.on_sink_stored(sink, o); }, out);
    return ours;
}

bool DataLink::on_sink_failed(const std::string& sink, const std::string& reason, Out& out) {
    bool ours = false;
    with_transfers([&](Out& o) { ours = transfers_.on_sink_failed(sink, reason, o); }, out);
    return ours;
}

}  // namespace peerline::link
