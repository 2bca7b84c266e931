// Received files as they arrive (docs/transfer.md "Where received bytes go"): written to the
// Origin Private File System by web/received_files_worker.js through a sync access handle, or
// gathered in Blob parts where the browser has no such handle. Executes the core's sink actions
// and answers them (FileSinkStored / FileSinkFailed, StorageChecked); decides nothing itself.
#pragma once

#include <cstdint>
#include <string>

namespace peerline::browser::received_files {

// DeleteLeftoverFiles: starts the worker (once) and sweeps what closed pages left behind.
void delete_leftovers();
// CheckStorage: navigator.storage.estimate(), answered as StorageChecked.
void check_storage(const std::string& key);

void open_sink(const std::string& sink, const std::string& mime);
void write_sink(const std::string& sink, const std::string& bytes);
void close_sink(const std::string& sink, bool keep);
// A resumed transfer continues at `size`: drop what was written past it (RewindFileSink).
void rewind_sink(const std::string& sink, std::uint64_t size);
// An object URL of a stored sink (disk-backed where the worker stored it), or "".
std::string saved_url(const std::string& sink);

}  // namespace peerline::browser::received_files
