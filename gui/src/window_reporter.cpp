#include "window_reporter.hpp"

#include <unistd.h>

#include <QMetaObject>
#include <QThread>

#include <iterator>

#include "presentation/qt_text.hpp"
#include "ukpu/provision/device_safety.hpp"
#include "ukpu/provision/error.hpp"
#include "ukpu/provision/stop.hpp"
#include "verify_text.hpp"

namespace ukpu::gui {

namespace {

extern "C" void on_write_signal(int) {
    // Only async-signal-safe calls here: the lock-free stop flag and write(2).
    if (provision::stop_requested()) {
        static const char msg[] =
            "\nukpu-gui: interrupted again: stopping now; the sticks are partly written\n";
        ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)ignored;
        ::_exit(130);
    }
    provision::request_stop();
    static const char msg[] = "\nukpu-gui: interrupt: stopping after the current write request\n";
    ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
}

// A stick's progress, posted to its row.
class RowProgress final : public provision::Progress {
public:
    RowProgress(
        WindowReporter& r,
        std::function<void(const std::string&, const QString&, std::uint64_t, std::uint64_t)> sink,
        std::string target, QString what, std::uint64_t total)
        : r_(r),
          sink_(std::move(sink)),
          target_(std::move(target)),
          what_(std::move(what)),
          total_(total) {}
    void update(std::uint64_t done) override {
        if (finished_ || !sink_) return;
        r_.on_gui_thread([sink = sink_, target = target_, what = what_, done, total = total_] {
            sink(target, what, done, total);
        });
    }
    void finish() override { finished_ = true; }

private:
    WindowReporter& r_;
    std::function<void(const std::string&, const QString&, std::uint64_t, std::uint64_t)> sink_;
    std::string target_;
    QString what_;
    std::uint64_t total_;
    bool finished_ = false;
};

bool same_disk(const devices::DeviceInfo& a, const devices::DeviceInfo& b) {
    return a.path == b.path && a.major == b.major && a.minor == b.minor && a.size == b.size &&
           a.serial == b.serial;
}

}  // namespace

WindowReporter::WindowReporter(QObject* gui, Sinks sinks) : gui_(gui), sinks_(std::move(sinks)) {}

WindowReporter::~WindowReporter() = default;

void WindowReporter::on_gui_thread(std::function<void()> f) {
    if (QThread::currentThread() == gui_->thread())
        f();
    else
        QMetaObject::invokeMethod(gui_, std::move(f), Qt::QueuedConnection);
}

void WindowReporter::log(const QString& line) {
    if (sinks_.log) on_gui_thread([sink = sinks_.log, line] { sink(line); });
}

void WindowReporter::set_confirmed(std::vector<devices::DeviceInfo> disks,
                                   provision::StickAction action) {
    std::lock_guard lock(mutex_);
    confirmed_.emplace(std::move(disks), action);
}

void WindowReporter::forget_confirmed() {
    std::lock_guard lock(mutex_);
    confirmed_.reset();
}

void WindowReporter::stop() {
    stop_pressed_ = true;
    provision::request_stop();
}

void WindowReporter::clear_stop() {
    stop_pressed_ = false;
    provision::clear_stop();
}

void WindowReporter::note(const std::string& text) {
    log(qs(text));
}

void WindowReporter::warning(const std::string& text) {
    log(QObject::tr("warning: ") + qs(text));
}

void WindowReporter::error(const std::string& text) {
    log(QObject::tr("error: ") + qs(text));
}

void WindowReporter::key_report(const std::string& target, const fat::VerifyReport& report) {
    log(qs(target + ": read back:\n" + verify_text(report)));
}

std::unique_ptr<provision::Progress> WindowReporter::progress(const std::string& target,
                                                              const std::string& what,
                                                              std::uint64_t total, bool) {
    return std::make_unique<RowProgress>(*this, sinks_.progress, target, qs(what), total);
}

void WindowReporter::confirm_sticks(const std::vector<devices::DeviceInfo>& disks,
                                    provision::StickAction action,
                                    const provision::DeviceWritePolicy& policy) {
    std::lock_guard lock(mutex_);
    // The dialog came before the service looked at what the sticks hold: a stick holding records
    // no PC took is not overwritten from the window (the command line asks for its name).
    for (const auto& d : disks)
        if (const auto it = policy.name_needed.find(d.path); it != policy.name_needed.end())
            throw provision::Error(provision::Status::refused, d.path,
                                   "it is " + it->second +
                                       "; nothing written (the window does not overwrite such "
                                       "a stick: `ukpu build --device " +
                                       d.path + " --confirm " + d.name + "` does, voiding them)");
    bool ok =
        confirmed_ && confirmed_->second == action && confirmed_->first.size() == disks.size();
    for (std::size_t i = 0; ok && i < disks.size(); ++i)
        ok = same_disk(disks[i], confirmed_->first[i]);
    if (!ok)
        throw provision::Error(provision::Status::refused,
                               disks.empty() ? std::string() : disks.front().path,
                               "not the sticks that were confirmed; nothing written");
}

void WindowReporter::writes_begin() {
    if (stop_pressed_) provision::request_stop();
    struct sigaction sa {};
    sa.sa_handler = on_write_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    for (std::size_t i = 0; i < std::size(signals_); ++i)
        ::sigaction(signals_[i], &sa, &previous_[i]);
}

void WindowReporter::writes_end() {
    for (std::size_t i = 0; i < std::size(signals_); ++i)
        ::sigaction(signals_[i], &previous_[i], nullptr);
}

}  // namespace ukpu::gui
