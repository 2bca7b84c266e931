#include "tools.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace peerline::voice::test {

TempDir::TempDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("peerline-voice-test-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

CommandOutput run(const std::string& command) {
    CommandOutput out;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) throw std::runtime_error("popen failed: " + command);
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.text.append(buffer, n);
    const int status = pclose(pipe);
    out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

void write_file(const std::filesystem::path& path, std::string_view bytes) {
    std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_wav(const std::filesystem::path& path, const std::vector<float>& interleaved, int channels) {
    std::string bytes;
    auto put = [&](std::uint32_t value, int size) {
        for (int i = 0; i < size; ++i) bytes.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
    };
    const auto data_size = static_cast<std::uint32_t>(interleaved.size() * 2);
    bytes += "RIFF";
    put(36 + data_size, 4);
    bytes += "WAVEfmt ";
    put(16, 4), put(1, 2), put(static_cast<std::uint32_t>(channels), 2), put(48000, 4);
    put(48000u * 2 * static_cast<std::uint32_t>(channels), 4), put(2 * static_cast<std::uint32_t>(channels), 2), put(16, 2);
    bytes += "data";
    put(data_size, 4);
    for (float x : interleaved)
        put(static_cast<std::uint16_t>(static_cast<std::int16_t>(std::lround(std::clamp(x, -1.0f, 1.0f) * 32767))), 2);
    write_file(path, bytes);
}

}  // namespace peerline::voice::test
