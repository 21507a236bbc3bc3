#include "ukpu/provision/reporter.hpp"

#include "ukpu/provision/error.hpp"
#include "ukpu/provision/stop.hpp"

namespace ukpu::provision {

namespace {

class NoProgress final : public Progress {
public:
    void update(std::uint64_t) override {}
    void finish() override {}
};

}  // namespace

std::unique_ptr<Progress> SilentReporter::progress(const std::string&, const std::string&,
                                                   std::uint64_t, bool) {
    return std::make_unique<NoProgress>();
}

void SilentReporter::confirm_sticks(const std::vector<devices::DeviceInfo>& disks, StickAction,
                                    const DeviceWritePolicy&) {
    throw Error(Status::refused, disks.empty() ? std::string() : disks.front().path,
                "not confirmed; nothing written");
}

WritePhase::WritePhase(Reporter& r) : r_(r) {
    clear_stop();
    r_.writes_begin();
}

WritePhase::~WritePhase() {
    r_.writes_end();
}

}  // namespace ukpu::provision
