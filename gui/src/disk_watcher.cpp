#include "disk_watcher.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace ukpu::gui {

namespace fs = std::filesystem;

namespace {

std::string first_line(const fs::path& p) {
    std::ifstream in(p);
    std::string line;
    std::getline(in, line);
    return line;
}

std::string whole_file(const fs::path& p) {
    std::ifstream in(p);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

DiskWatcher::DiskWatcher(devices::Machine machine, QObject* parent,
                         std::chrono::milliseconds interval)
    : QObject(parent), machine_(std::move(machine)) {
    last_ = read_now();
    timer_.setInterval(static_cast<int>(interval.count()));
    connect(&timer_, &QTimer::timeout, this, &DiskWatcher::poll);
    timer_.start();
}

bool DiskWatcher::poll() {
    std::string now = read_now();
    if (now == last_) return false;
    last_ = std::move(now);
    emit changed();
    return true;
}

std::string DiskWatcher::read_now() const {
    std::vector<std::string> lines;
    std::error_code ec;
    for (fs::directory_iterator it(machine_.sysfs_root / "block", ec), end; !ec && it != end;
         it.increment(ec)) {
        const fs::path dir = it->path();
        // A loop device's size is 0 until a file is attached; a card reader's until a card is in.
        lines.push_back(dir.filename().string() + " " + first_line(dir / "size") + " ro=" +
                        first_line(dir / "ro") + " removable=" + first_line(dir / "removable"));
    }
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out + whole_file(machine_.mountinfo);
}

}  // namespace ukpu::gui
