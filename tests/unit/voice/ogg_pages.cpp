#include "ogg_pages.hpp"

#include <ogg/ogg.h>

#include <cstring>
#include <stdexcept>

namespace peerline::voice::test {

std::vector<OggPage> split_pages(const std::string& file) {
    ogg_sync_state sync;
    ogg_sync_init(&sync);
    char* buffer = ogg_sync_buffer(&sync, static_cast<long>(file.size()));
    std::memcpy(buffer, file.data(), file.size());
    ogg_sync_wrote(&sync, static_cast<long>(file.size()));
    std::vector<OggPage> pages;
    ogg_page page;
    while (ogg_sync_pageout(&sync, &page) == 1)
        pages.push_back({std::string(reinterpret_cast<char*>(page.header), static_cast<std::size_t>(page.header_len)),
                         std::string(reinterpret_cast<char*>(page.body), static_cast<std::size_t>(page.body_len))});
    ogg_sync_clear(&sync);
    if (pages.empty()) throw std::runtime_error("no Ogg pages");
    return pages;
}

std::string join_pages(std::vector<OggPage> pages) {
    std::string file;
    for (OggPage& p : pages) {
        ogg_page page{reinterpret_cast<unsigned char*>(p.header.data()), static_cast<long>(p.header.size()),
                      reinterpret_cast<unsigned char*>(p.body.data()), static_cast<long>(p.body.size())};
        ogg_page_checksum_set(&page);
        file += p.header + p.body;
    }
    return file;
}

}  // namespace peerline::voice::test
