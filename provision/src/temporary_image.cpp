#include "temporary_image.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "ukpu/base/unique_fd.hpp"
#include "ukpu/provision/error.hpp"

namespace ukpu::provision {

namespace fs = std::filesystem;

namespace {

std::string errno_text(int e) {
    return std::strerror(e);
}

std::string directory_of(const std::string& path) {
    const fs::path parent = fs::path(path).parent_path();
    return parent.empty() ? std::string(".") : parent.string();
}

}  // namespace

void refuse_existing_image(const std::string& path, bool overwrite) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return;  // nothing there (or nothing visible)
    if (S_ISBLK(st.st_mode))
        throw Error(Status::refused, path,
                    "is a block device: write devices with --device, which checks them first");
    if (!S_ISREG(st.st_mode))
        throw Error(Status::refused, path,
                    "exists and is not a regular file; an image is never written over it");
    if (!overwrite)
        throw Error(Status::refused, path,
                    "already exists; add --overwrite to replace it (it is replaced only by a "
                    "complete, verified image)");
}

TemporaryImage::TemporaryImage(std::string final_path) : final_(std::move(final_path)) {
    const std::string dir = directory_of(final_);
    std::string name = fs::path(final_).filename().string();
    std::string templ = dir + "/." + name + ".ukpu-XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    base::UniqueFd fd(::mkostemp(buf.data(), O_CLOEXEC));
    if (!fd) {
        const int e = errno;
        throw Error(Status::io, final_,
                    "cannot create the image in " + dir + ": " + errno_text(e) +
                        "; nothing was left at " + final_);
    }
    temp_ = buf.data();
}

TemporaryImage::~TemporaryImage() {
    if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

void TemporaryImage::commit(bool overwrite) {
    int rc;
    if (overwrite) {
        rc = ::rename(temp_.c_str(), final_.c_str());
    } else {
        rc = ::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, final_.c_str(), RENAME_NOREPLACE);
        if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
            // A file system without RENAME_NOREPLACE: link() refuses an existing name too.
            rc = ::link(temp_.c_str(), final_.c_str());
            if (rc == 0) ::unlink(temp_.c_str());
        }
    }
    if (rc != 0) {
        const int e = errno;
        if (e == EEXIST)
            throw Error(Status::refused, final_,
                        "was created by something else while the image was made; nothing was "
                        "replaced (add --overwrite to replace it)");
        throw Error(Status::io, final_,
                    "cannot rename the finished image into place: " + errno_text(e));
    }
    committed_ = true;
    // The rename is done; syncing the directory makes it survive a power cut.
    base::UniqueFd dfd(::open(directory_of(final_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dfd) (void)::fsync(dfd.get());
}

}  // namespace ukpu::provision
