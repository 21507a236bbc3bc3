#include "render/event_stream.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "ukpu/provision/stop.hpp"

namespace ukpu::cli {

namespace {

// Reads standard input until `wake` becomes readable; a line "stop" requests a stop.
void read_stop_requests(int wake) {
    std::string line;
    char buf[256];
    for (;;) {
        pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {wake, POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (fds[1].revents) return;
        if (!(fds[0].revents & (POLLIN | POLLHUP))) {
            if (fds[0].revents) return;  // POLLNVAL, POLLERR: no input to read
            continue;
        }
        const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // end of input: nothing more can be asked
        for (ssize_t i = 0; i < n; ++i) {
            if (buf[i] != '\n') {
                if (line.size() < 64) line += buf[i];
                continue;
            }
            if (line == "stop") provision::request_stop();
            line.clear();
        }
    }
}

}  // namespace

EventStream::EventStream() {
    std::signal(SIGPIPE, SIG_IGN);
    if (::pipe2(wake_, O_CLOEXEC) == 0) stop_reader_ = std::thread(read_stop_requests, wake_[0]);
}

EventStream::~EventStream() {
    if (stop_reader_.joinable()) {
        const char c = 0;
        ssize_t ignored = ::write(wake_[1], &c, 1);
        (void)ignored;
        stop_reader_.join();
    }
    for (int fd : wake_)
        if (fd >= 0) ::close(fd);
}

void EventStream::emit(const Json& event) {
    const std::string line = event.dump_line() + "\n";
    std::lock_guard lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
}

void EventStream::text(const char* kind, const std::string& text) {
    Json e = Json::object();
    e.set("event", kind);
    e.set("text", text);
    emit(e);
}

void EventStream::progress(const std::string& target, const std::string& what, std::uint64_t done,
                           std::uint64_t total) {
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(mutex_);
        auto [it, first] = last_progress_.try_emplace(target, now);
        if (!first && done < total && now - it->second < std::chrono::milliseconds(200)) return;
        it->second = now;
    }
    Json e = Json::object();
    e.set("event", "progress");
    e.set("target", target);
    e.set("what", what);
    e.set("done", done);
    e.set("total", total);
    emit(e);
}

}  // namespace ukpu::cli
