// A provision::Reporter that records what the services tell it, for in-process tests.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "ukpu/provision/error.hpp"
#include "ukpu/provision/reporter.hpp"

namespace ukpu::test {

class RecordingReporter : public provision::Reporter {
public:
    std::vector<std::string> notes, warnings, errors, reports;
    std::vector<std::string> confirmed;
    bool confirm_answer = true;
    std::uint64_t progress_total = 0, progress_done = 0;
    int writes_begun = 0, writes_ended = 0;

    void note(const std::string& t) override { add(notes, t); }
    void warning(const std::string& t) override { add(warnings, t); }
    void error(const std::string& t) override { add(errors, t); }
    void key_report(const std::string& target, const fat::VerifyReport&) override {
        add(reports, target);
    }
    std::unique_ptr<provision::Progress> progress(const std::string&, const std::string&,
                                                  std::uint64_t total, bool) override {
        std::lock_guard<std::mutex> l(m_);
        progress_total += total;
        return std::make_unique<Counter>(*this);
    }
    void confirm_sticks(const std::vector<devices::DeviceInfo>& disks, provision::StickAction,
                        const provision::DeviceWritePolicy&) override {
        for (const auto& d : disks) add(confirmed, d.path);
        if (!confirm_answer)
            throw provision::Error(provision::Status::refused, "", "not confirmed");
    }
    void writes_begin() override { ++writes_begun; }
    void writes_end() override { ++writes_ended; }

    bool noted(const std::string& part) const {
        for (const auto& n : notes)
            if (n.find(part) != std::string::npos) return true;
        return false;
    }

private:
    class Counter : public provision::Progress {
    public:
        explicit Counter(RecordingReporter& r) : r_(r) {}
        void update(std::uint64_t done) override {
            std::lock_guard<std::mutex> l(r_.m_);
            r_.progress_done = std::max(r_.progress_done, done);
        }
        void finish() override {}

    private:
        RecordingReporter& r_;
    };
    void add(std::vector<std::string>& v, const std::string& t) {
        std::lock_guard<std::mutex> l(m_);
        v.push_back(t);
    }
    std::mutex m_;
};

}  // namespace ukpu::test
