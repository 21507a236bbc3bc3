// How the window reaches sticks when it does not run as root: the `ukpu` command line itself,
// started through pkexec (polkit action org.ukpu.write-stick, packaging/), runs the same command
// an admin would type (`ukpu --events --yes build --device ...`), with every safety check of the
// command line on its side, and reports back as a stream of JSON lines (ukpu --events). The
// window shows the stream as it shows its own services' reports and asks a stop with a "stop"
// line on the worker's standard input. docs/architecture.md says why this path was chosen.
//
// The program: $UKPU_WORKER, else the `ukpu` beside ukpu-gui, else /usr/bin/ukpu. The launcher:
// $UKPU_PKEXEC, else pkexec; none when the window runs as root.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "ukpu/provision/reporter.hpp"
#include "ukpu/provision/status.hpp"

namespace ukpu::gui {

// A disk the worker would not write without its name typed (or given with --confirm), and why:
// one holding records no PC took, which only the worker could read.
struct NameAsked {
    std::string target;  // "/dev/sdb"
    std::string name;    // "sdb"
    std::string why;
};

// What a worker run ended with.
struct WorkerRun {
    int exit_code = 0;
    provision::Status status = provision::Status::ok;  // from the exit code
    // What the run's last error said ("ukpu: error: ..." on its stderr, or why it could not
    // start or was not authorised); empty when it ended well.
    std::string error;
    std::vector<provision::StickOutcome> sticks;  // one per stick written or repaired
    std::vector<NameAsked> names_asked;           // it refused these, unconfirmed
};

// The exit status of `ukpu` (docs/reference.md) or of pkexec (126: not authorised or dismissed,
// 127: could not authorise or start) as a Status.
provision::Status status_of_exit(int code);

class PrivilegedWorker {
public:
    // True when the window does not run as root and reaches sticks through the worker.
    static bool needed();
    // The argument vector that starts the worker with `args` (after `--events --yes`): pkexec and
    // the program, or the program alone when `needed()` is false.
    static std::vector<std::string> command(const std::vector<std::string>& args);

    // Runs the worker to its end, blocking (call it from a worker thread): its events go to
    // `reporter`; other lines of its stdout are notes, of its stderr warnings or the run's error.
    WorkerRun run(const std::vector<std::string>& args, provision::Reporter& reporter);
    // Asks the running worker (if any) to stop at its next safe point; callable from any thread.
    void stop() { stop_ = true; }

private:
    std::atomic<bool> stop_{false};
};

}  // namespace ukpu::gui
