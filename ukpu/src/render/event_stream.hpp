// `ukpu --events`: what a command says, as a stream a front end reads while the command runs, one
// JSON object a line on stdout, flushed line by line. This is how ukpu-gui follows the privileged
// worker it starts with pkexec (docs/architecture.md, "The privileged worker"):
//   {"event":"note","text":...}          {"event":"warning","text":...}
//   {"event":"error","text":...}         (a failure that does not end the run)
//   {"event":"progress","target":"/dev/sdb","what":"writing","done":N,"total":N}
//   {"event":"key_report","target":...,"ok":true,"text":"<the lines verify prints>"}
//   {"event":"stick","target":...,"status":"ok","message":""}   (one per stick written/repaired)
//   {"event":"name_needed","target":"/dev/sdb","name":"sdb","why":...}  (a stick refused for
//     want of --confirm NAME, before anything is written: one holding records no PC took)
// Anything else the command prints (its summary on stdout, an error ending the run on stderr)
// stays plain text; the exit code is the run's outcome as always.
//
// Standard input is read for a line "stop": a stop at the next safe point, as Ctrl-C asks (the
// window cannot signal a worker running as root). End of input changes nothing, and a reader that
// went away does not end the worker mid-write (SIGPIPE is ignored while the stream exists).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "render/json.hpp"

namespace ukpu::cli {

class EventStream {
public:
    EventStream();
    ~EventStream();
    EventStream(const EventStream&) = delete;
    EventStream& operator=(const EventStream&) = delete;

    // Writes `event` as one line (thread-safe).
    void emit(const Json& event);
    // {"event": kind, "text": text}
    void text(const char* kind, const std::string& text);
    // A progress event, at most one per target every 200 ms and always the last (done == total).
    void progress(const std::string& target, const std::string& what, std::uint64_t done,
                  std::uint64_t total);

private:
    std::mutex mutex_;
    std::map<std::string, std::chrono::steady_clock::time_point> last_progress_;
    std::thread stop_reader_;
    int wake_[2] = {-1, -1};  // a pipe that ends the stop reader
};

}  // namespace ukpu::cli
