// An image file made under a temporary name beside its final path (".NAME.ukpu-XXXXXX", mode
// 0600) and renamed into place only when complete: until then nothing is at the final path, and
// the temporary file goes away with the object unless it was committed.
#pragma once

#include <string>

namespace ukpu::provision {

// Refuses (Error refused) an existing `path` unless `overwrite`, and, even then, anything at
// `path` that is not a regular file (a directory, a device: --device writes devices).
void refuse_existing_image(const std::string& path, bool overwrite);

class TemporaryImage {
public:
    // Reserves the temporary name (Error io naming `final_path` when its directory cannot hold
    // it: missing, not writable, full).
    explicit TemporaryImage(std::string final_path);
    ~TemporaryImage();
    TemporaryImage(const TemporaryImage&) = delete;
    TemporaryImage& operator=(const TemporaryImage&) = delete;

    const std::string& path() const { return temp_; }

    // Renames the temporary file to the final path (replacing a file there only when
    // `overwrite`; refused otherwise, as another process may have made one since), then syncs the
    // directory. Error refused or io; the temporary file is removed on failure.
    void commit(bool overwrite);

private:
    std::string final_;
    std::string temp_;
    bool committed_ = false;
};

}  // namespace ukpu::provision
