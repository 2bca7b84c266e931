// Running Debian's opus-tools from the tests: files in a fresh temporary folder, WAV writing,
// and a command runner that returns the exit status and everything the command printed.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace peerline::voice::test {

// A folder under the system temp folder, removed when the object goes away.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

struct CommandOutput {
    int status = -1;
    std::string text;  // stdout and stderr
};
CommandOutput run(const std::string& command);
std::string quoted(const std::filesystem::path& path);

void write_file(const std::filesystem::path& path, std::string_view bytes);
std::string read_file(const std::filesystem::path& path);
// 16-bit PCM WAV at 48 kHz; `interleaved` holds `channels` samples per frame.
void write_wav(const std::filesystem::path& path, const std::vector<float>& interleaved, int channels);

}  // namespace peerline::voice::test
