// A fresh directory under the system temp dir, removed with its content when the object goes
// away.
#pragma once

#include <filesystem>
#include <string>

namespace ukpu::test {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    // "DIR/name" as text, for command lines and the arguments of ukpu.
    std::string path(const std::string& name) const { return dir_ + "/" + name; }
    const std::string& dir() const { return dir_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
    std::string dir_;
};

}  // namespace ukpu::test
