#include "privileged_worker.hpp"

#include <unistd.h>

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>

#include <map>
#include <memory>

namespace ukpu::gui {

namespace pv = ukpu::provision;

namespace {

QString env_or(const char* name, const QString& fallback) {
    const QByteArray v = qgetenv(name);
    return v.isEmpty() ? fallback : QString::fromLocal8Bit(v);
}

QString program() {
    const QString beside = QCoreApplication::applicationDirPath() + "/ukpu";
    return env_or("UKPU_WORKER",
                  QFileInfo(beside).isExecutable() ? beside : QStringLiteral("/usr/bin/ukpu"));
}

// Reads one event line of the worker into `reporter`; false when the line is not an event.
class EventReader {
public:
    EventReader(pv::Reporter& reporter, WorkerRun& run) : reporter_(reporter), run_(run) {}

    bool read(const QByteArray& line) {
        if (!line.startsWith("{\"event\":")) return false;
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(line, &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject()) return false;
        const QJsonObject e = doc.object();
        const QString kind = e.value("event").toString();
        auto text = [&e](const char* key) { return e.value(key).toString().toStdString(); };
        if (kind == "note") {
            reporter_.note(text("text"));
        } else if (kind == "warning") {
            reporter_.warning(text("text"));
        } else if (kind == "error") {
            reporter_.error(text("text"));
        } else if (kind == "progress") {
            const std::string target = text("target");
            const auto done = static_cast<std::uint64_t>(e.value("done").toDouble());
            const auto total = static_cast<std::uint64_t>(e.value("total").toDouble());
            auto& p = progress_[target];
            if (!p) p = reporter_.progress(target, text("what"), total, true);
            p->update(done);
        } else if (kind == "key_report") {
            const std::string target = text("target");
            std::string body = text("text");
            while (!body.empty() && body.back() == '\n') body.pop_back();
            reporter_.note(target + ": read back: " + body);
        } else if (kind == "name_needed") {
            run_.names_asked.push_back({text("target"), text("name"), text("why")});
        } else if (kind == "stick") {
            pv::StickOutcome o;
            o.target = text("target");
            o.status = pv::status_from_name(text("status")).value_or(pv::Status::io);
            o.message = text("message");
            if (auto it = progress_.find(o.target); it != progress_.end()) it->second->finish();
            run_.sticks.push_back(o);
            reporter_.stick_done(o);
        } else {
            return false;
        }
        return true;
    }

private:
    pv::Reporter& reporter_;
    WorkerRun& run_;
    std::map<std::string, std::unique_ptr<pv::Progress>> progress_;
};

// Splits complete lines off `buffer`.
template <typename F>
void each_line(QByteArray& buffer, F&& f) {
    for (int nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const QByteArray line = buffer.left(nl);
        buffer.remove(0, nl + 1);
        f(line);
    }
}

}  // namespace

pv::Status status_of_exit(int code) {
    switch (code) {
        case 0:
            return pv::Status::ok;
        case 1:
            return pv::Status::problems;
        case 2:
            return pv::Status::bad_argument;
        case 3:
            return pv::Status::bad_input;
        case 4:
        case 126:  // pkexec: not authorised, or the dialog dismissed
            return pv::Status::refused;
        case 130:
            return pv::Status::interrupted;
        default:
            return pv::Status::io;
    }
}

bool PrivilegedWorker::needed() {
    return ::geteuid() != 0;
}

std::vector<std::string> PrivilegedWorker::command(const std::vector<std::string>& args) {
    std::vector<std::string> argv;
    if (needed()) argv.push_back(env_or("UKPU_PKEXEC", "pkexec").toStdString());
    argv.push_back(program().toStdString());
    argv.push_back("--events");
    argv.push_back("--yes");
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

WorkerRun PrivilegedWorker::run(const std::vector<std::string>& args, pv::Reporter& reporter) {
    stop_ = false;
    WorkerRun result;
    const std::vector<std::string> argv = command(args);
    QStringList rest;
    for (std::size_t i = 1; i < argv.size(); ++i) rest << QString::fromStdString(argv[i]);
    QProcess p;
    p.setProgram(QString::fromStdString(argv[0]));
    p.setArguments(rest);
    p.start();
    if (!p.waitForStarted(10000)) {
        result.exit_code = 127;
        result.status = pv::Status::io;
        result.error = "the privileged worker could not be started (" + argv[0] +
                       "): " + p.errorString().toStdString() +
                       "; is the pkexec package installed? Or run ukpu-gui as root.";
        return result;
    }
    EventReader events(reporter, result);
    QByteArray out;
    QByteArray err;
    std::string last_error;
    bool stop_sent = false;
    auto drain = [&] {
        out += p.readAllStandardOutput();
        each_line(out, [&](const QByteArray& line) {
            if (!events.read(line) && !line.trimmed().isEmpty()) reporter.note(line.toStdString());
        });
        err += p.readAllStandardError();
        each_line(err, [&](const QByteArray& raw) {
            const std::string line = raw.toStdString();
            static const std::string error_prefix = "ukpu: error: ";
            static const std::string warning_prefix = "ukpu: warning: ";
            if (line.rfind(error_prefix, 0) == 0) {
                last_error = line.substr(error_prefix.size());
            } else if (line.rfind(warning_prefix, 0) == 0) {
                reporter.warning(line.substr(warning_prefix.size()));
            } else if (line.rfind("Error executing command as another user", 0) == 0 ||
                       line.rfind("pkexec", 0) == 0) {
                last_error = line;
            } else if (!raw.trimmed().isEmpty()) {
                reporter.note(line.rfind("ukpu: ", 0) == 0 ? line.substr(6) : line);
            }
        });
    };
    while (p.state() != QProcess::NotRunning) {
        if (stop_ && !stop_sent) {
            p.write("stop\n");
            p.waitForBytesWritten(1000);
            stop_sent = true;
        }
        p.waitForReadyRead(100);
        drain();
    }
    p.waitForFinished(-1);
    drain();
    result.exit_code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : 128 + 9;
    result.status = status_of_exit(result.exit_code);
    if (result.exit_code == 126)
        result.error = "authorisation was refused or dismissed: nothing written" +
                       (last_error.empty() ? std::string() : " (" + last_error + ")");
    else if (result.exit_code != 0)
        result.error = last_error.empty()
                           ? "the worker ended with exit code " + std::to_string(result.exit_code)
                           : last_error;
    return result;
}

}  // namespace ukpu::gui
