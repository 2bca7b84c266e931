#include "voice/inspect.hpp"

#include <ogg/ogg.h>

#include <cstring>
#include <memory>
#include <string>

#include "voice/limits.hpp"

namespace peerline::voice {
namespace {

struct SyncState {
    ogg_sync_state state;
    SyncState() { ogg_sync_init(&state); }
    ~SyncState() { ogg_sync_clear(&state); }
    SyncState(const SyncState&) = delete;
    SyncState& operator=(const SyncState&) = delete;
};

std::string_view body(const ogg_page& page) {
    return {reinterpret_cast<const char*>(page.body), static_cast<std::size_t>(page.body_len)};
}

int little_endian_16(std::string_view s, std::size_t at) {
    return static_cast<unsigned char>(s[at]) | (static_cast<unsigned char>(s[at + 1]) << 8);
}

// RFC 7845 §5.1: the identification header, alone on the first page.
Result<OggOpusInfo> read_opus_head(const ogg_page& page) {
    const std::string_view head = body(page);
    if (!ogg_page_bos(&page) || head.substr(0, 8) != "OpusHead")
        return make_error(errors::kNotOpus, "the first Ogg packet is not an Opus header");
    if (head.size() < 19 || ogg_page_packets(&page) != 1 || ogg_page_granulepos(&page) != 0)
        return make_error(errors::kCorrupt, "malformed OpusHead page");
    // §5.1: a major version other than 0 (version >= 16) is incompatible.
    if (static_cast<unsigned char>(head[8]) >= 16)
        return make_error(errors::kUnsupported, "Opus header version " + std::to_string(head[8]));
    OggOpusInfo info;
    info.channels = static_cast<unsigned char>(head[9]);
    info.pre_skip = little_endian_16(head, 10);
    const int mapping_family = static_cast<unsigned char>(head[18]);
    if (info.channels < 1 || info.channels > 2 || mapping_family != 0)
        return make_error(errors::kUnsupported,
                          "only mono or stereo Opus (mapping family 0) is played");
    return info;
}

}  // namespace

Result<OggOpusInfo> inspect(std::string_view bytes) {
    if (bytes.size() > kMaxBytes)
        return make_error(errors::kTooLarge, std::to_string(bytes.size()) + " bytes, at most " +
                                                 std::to_string(kMaxBytes));
    if (bytes.substr(0, 4) != "OggS") return make_error(errors::kNotOpus, "not an Ogg file");

    SyncState sync;
    char* buffer = ogg_sync_buffer(&sync.state, static_cast<long>(bytes.size()));
    if (buffer == nullptr) return make_error(errors::kCorrupt, "out of memory");
    std::memcpy(buffer, bytes.data(), bytes.size());
    ogg_sync_wrote(&sync.state, static_cast<long>(bytes.size()));

    OggOpusInfo info;
    std::size_t consumed = 0;
    long serial = 0;
    long expected_page_number = 0;
    ogg_int64_t last_granule = 0;
    bool ended = false;
    ogg_page page;
    for (;;) {
        const long step = ogg_sync_pageseek(&sync.state, &page);
        if (step == 0) break;  // no further complete page
        if (step < 0)          // bytes that are not a page, or a page whose CRC fails
            return make_error(errors::kCorrupt, "damaged Ogg page at byte " + std::to_string(consumed));
        consumed += static_cast<std::size_t>(step);

        if (info.pages == 0) {
            auto head = read_opus_head(page);
            if (!head) return head.error();
            info = head.value();
            serial = ogg_page_serialno(&page);
        } else if (ended || ogg_page_bos(&page) || ogg_page_serialno(&page) != serial) {
            // RFC 7845 §3 allows chained and multiplexed streams; a voice message is one stream.
            return make_error(errors::kUnsupported, "more than one logical Ogg stream");
        } else if (info.pages == 1 && body(page).substr(0, 8) != "OpusTags") {
            return make_error(errors::kCorrupt, "the second Ogg page does not start with OpusTags");
        }
        if (ogg_page_pageno(&page) != expected_page_number)
            return make_error(errors::kCorrupt, "Ogg page " + std::to_string(expected_page_number) +
                                                    " is missing");
        ++expected_page_number;
        ++info.pages;

        const ogg_int64_t granule = ogg_page_granulepos(&page);
        if (granule != -1) {  // -1: no packet ends on this page
            if (granule < last_granule)
                return make_error(errors::kCorrupt, "granule positions go backwards");
            last_granule = granule;
            if (last_granule - info.pre_skip > kMaxSamples)
                return make_error(errors::kTooLong, "longer than " + std::to_string(kMaxSeconds) + " s");
        }
        ended = ogg_page_eos(&page) != 0;
    }

    if (info.pages == 0) return make_error(errors::kTruncated, "the file ends inside its first Ogg page");
    if (consumed != bytes.size())
        return make_error(errors::kTruncated, "the file ends inside an Ogg page");
    if (!ended) return make_error(errors::kTruncated, "the last Ogg page is not marked end-of-stream");
    if (info.pages < 2) return make_error(errors::kCorrupt, "no OpusTags page");
    // §4.5: the end trimming can never cut into the pre-skip; a smaller final granule is invalid.
    if (last_granule < info.pre_skip)
        return make_error(errors::kCorrupt, "final granule position is smaller than the pre-skip");
    info.samples = last_granule - info.pre_skip;
    info.duration_s = static_cast<double>(info.samples) / kSampleRate;
    return info;
}

}  // namespace peerline::voice
