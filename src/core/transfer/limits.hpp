// Every number the file transfer is built around, in one place. docs/transfer.md says why each
// value was chosen; change them there and here together.
#pragma once

#include <cstddef>
#include <cstdint>

namespace peerline::transfer {

constexpr std::uint64_t kKiB = 1024;
constexpr std::uint64_t kMiB = 1024 * kKiB;
constexpr std::uint64_t kGiB = 1024 * kMiB;

// Payload bytes per chunk frame, at most: with Chromium's max-message-size of 262144 a frame fills
// one message. A raw blast runs alike at 64 or 256 KiB, but our per-event cost (Wasm calls, view
// stamp, actions) falls 4x: Peerline moved 30-33 MiB/s at 256 KiB vs 25-29 at 64 (docs/transfer.md).
constexpr std::uint64_t kMaxChunkBytes = 256 * kKiB;
// RFC 8841 §6.1: a=max-message-size absent → the peer takes 64 KiB messages.
constexpr std::uint64_t kDefaultMaxMessageBytes = 64 * kKiB;
// A remote limit below this is not worth obeying literally (frames would be mostly header).
constexpr std::uint64_t kMinMessageBytes = 1 * kKiB;

// The sender stops reading while (files-channel bufferedAmount + bytes read or being read but not
// yet sent) would pass this. Chromium's send queue is 16 MiB; send() past it throws.
constexpr std::uint64_t kHighWaterBytes = 4 * kMiB;
// bufferedAmountLowThreshold of the files channel (CreateDataChannel takes a uint32).
constexpr std::uint32_t kLowWaterBytes = 2 * 1024 * 1024;
// File.slice().arrayBuffer() round trips overlap: a few reads in flight keep the channel fed.
constexpr int kMaxReadsInFlight = 4;

// Resume (docs/transfer.md "Resume"): the unit a receiver proves it holds (XXH3-64 each) and a
// sender re-sends from. 1 MiB: at most that much is sent twice after a drop (~50 ms at 20
// MiB/s), and a 64 GiB file has 65,536 checksums (512 KiB), a 4 GiB one 4,096 (32 KiB).
constexpr std::uint64_t kBlockBytes = 1 * kMiB;
// Block boundaries whose file-hash state the sender keeps to resume from (~600 bytes each): the
// receiver's verified boundary trails what was sent by the send buffer (≤ kHighWaterBytes) and
// what is in flight, far less than 64 blocks. A proof further back fails that file.
constexpr std::size_t kResumeSnapshots = 64;
// How long a transfer waits for its peer's link to come back before it fails.
constexpr int kResumeGraceMs = 60'000;

// Offer limits: anything past them is refused with a reason, never half-accepted.
constexpr std::size_t kMaxFilesPerOffer = 100;
constexpr std::uint64_t kMaxFileBytes = 64 * kGiB;
constexpr std::uint64_t kMaxOfferBytes = 64 * kGiB;
constexpr std::size_t kMaxNameBytes = 255;   // what common file systems store
constexpr std::size_t kMaxMimeBytes = 100;
constexpr std::size_t kMaxReasonBytes = 200;

// Accepting an offer needs its bytes, those still to come of transfers already accepted, and
// this much more free in the origin's storage (navigator.storage.estimate()): the estimate is
// approximate and the browser's own bookkeeping needs room too.
constexpr std::uint64_t kStorageHeadroomBytes = 32 * kMiB;

// Incoming offers waiting for the user's decision; more are refused (a peer cannot flood the UI).
constexpr std::size_t kMaxPendingOffers = 16;
// Finished transfers kept in the view (oldest dropped first).
constexpr std::size_t kMaxEndedTransfers = 50;

// The view's done/rate/ETA move only on this tick: ~300 chunks/s must not mean 300 renders/s.
constexpr int kProgressTickMs = 500;

}  // namespace peerline::transfer
