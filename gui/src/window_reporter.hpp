// The window's provision::Reporter: what the services say goes to the window's widgets. Notes,
// warnings, errors and the read-back report of each key become lines of the log; the progress of
// each stick goes to its row of the stick table (by target path) and to the overall bar. Calls
// may come from the writer threads: they are posted to the window's (GUI) thread.
//
// Sticks are confirmed on the GUI thread, before the worker starts (ConfirmDialog); when a
// service asks to confirm them again from the worker, the reporter answers from that
// confirmation: exactly those disks, for that action, or refused.
//
// While sticks are written, Ctrl-C, SIGTERM and SIGHUP (a terminal closed) ask for a stop at the
// next safe point instead of ending the window mid-write; a second one ends it at once.
#pragma once

#include <QObject>
#include <QString>

#include <atomic>
#include <csignal>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ukpu/provision/reporter.hpp"

namespace ukpu::gui {

class WindowReporter final : public provision::Reporter {
public:
    // Where the reports go; each is called on the GUI thread.
    struct Sinks {
        std::function<void(const QString& line)> log;
        // `target`'s progress: `what` ("writing", "repairing"), bytes done of total.
        std::function<void(const std::string& target, const QString& what, std::uint64_t done,
                           std::uint64_t total)>
            progress;
    };

    // `gui`: an object living in the GUI thread (the window), which the reports are posted to.
    WindowReporter(QObject* gui, Sinks sinks);
    ~WindowReporter() override;
    WindowReporter(const WindowReporter&) = delete;
    WindowReporter& operator=(const WindowReporter&) = delete;

    // The disks the user confirmed for `action`, for the next service run; cleared by
    // forget_confirmed().
    void set_confirmed(std::vector<devices::DeviceInfo> disks, provision::StickAction action);
    void forget_confirmed();

    // Stop was pressed: the provision stop flag is set now, and again when writes begin (the
    // services clear a stop request left from before their writing phase).
    void stop();
    void clear_stop();

    void note(const std::string& text) override;
    void warning(const std::string& text) override;
    void error(const std::string& text) override;
    void key_report(const std::string& target, const fat::VerifyReport& report) override;
    std::unique_ptr<provision::Progress> progress(const std::string& target,
                                                  const std::string& what, std::uint64_t total,
                                                  bool parallel) override;
    void confirm_sticks(const std::vector<devices::DeviceInfo>& disks,
                        provision::StickAction action,
                        const provision::DeviceWritePolicy& policy) override;
    void writes_begin() override;
    void writes_end() override;

    // Runs `f` on the GUI thread: at once when called there, else posted.
    void on_gui_thread(std::function<void()> f);

private:
    void log(const QString& line);

    QObject* gui_;
    Sinks sinks_;
    std::mutex mutex_;
    std::optional<std::pair<std::vector<devices::DeviceInfo>, provision::StickAction>> confirmed_;
    std::atomic<bool> stop_pressed_{false};
    static constexpr int signals_[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction previous_[3]{};
};

}  // namespace ukpu::gui
