#include "transfer/outgoing.hpp"

#include <algorithm>

namespace peerline::transfer {

bool OutgoingTransfer::all_sent() const {
    return std::all_of(end_sent.begin(), end_sent.end(), [](bool sent) { return sent; });
}

bool OutgoingTransfer::all_verified() const {
    return std::all_of(files.begin(), files.end(), [](const FileRecord& f) { return f.state == State::done; });
}

}  // namespace peerline::transfer
