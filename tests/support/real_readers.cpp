#include "support/real_readers.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "support/files.hpp"
#include "support/oracle.hpp"
#include "support/temp_dir.hpp"

namespace ukpu::test::readers {

namespace fs = std::filesystem;

namespace {

constexpr const char* kOvmfCode = "/usr/share/OVMF/OVMF_CODE_4M.fd";
constexpr const char* kOvmfVars = "/usr/share/OVMF/OVMF_VARS_4M.fd";
constexpr const char* kQemu = "qemu-system-x86_64";
constexpr const char* kMtools = "MTOOLS_SKIP_CHECK=1 ";

// Sticks per xHCI controller (its USB 2 ports: p2 is at most 15).
constexpr std::size_t kPortsPerController = 15;
// The PCI slot of the helper disk, then of the first controller.
constexpr unsigned kHelperSlot = 3;
constexpr unsigned kFirstControllerSlot = 4;

struct Process {
    int exit_code = -1;  // -1 when killed by a signal (the timeout)
    bool timed_out = false;
    std::string output;  // stdout and stderr together
};

// Runs `argv` (no shell) with stdout and stderr captured together and stdin a pipe. The first
// time `trigger` appears in the output, `answer` is written to stdin (a key typed on the serial
// console). Killed with SIGKILL after `timeout`.
Process run_typing(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                   const std::string& trigger, const std::string& answer) {
    Process r;
    int in_pipe[2], out_pipe[2];
    if (::pipe2(in_pipe, O_CLOEXEC) != 0) return r;
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
        ::close(in_pipe[0]);
        ::close(in_pipe[1]);
        return r;
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1]}) ::close(fd);
        return r;
    }
    if (pid == 0) {
        ::dup2(in_pipe[0], 0);
        ::dup2(out_pipe[1], 1);
        ::dup2(out_pipe[1], 2);
        std::vector<char*> args;
        std::vector<std::string> copy = argv;
        for (auto& a : copy) args.push_back(a.data());
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        _exit(127);
    }
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool typed = trigger.empty();
    char buf[8192];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            r.timed_out = true;
            ::kill(pid, SIGKILL);
            break;
        }
        pollfd p{out_pipe[0], POLLIN, 0};
        const int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
        if (n < 0 && errno != EINTR) break;
        if (n <= 0) continue;
        const ssize_t got = ::read(out_pipe[0], buf, sizeof buf);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;  // end of output: the process is ending
        const std::size_t before = r.output.size();
        r.output.append(buf, static_cast<std::size_t>(got));
        const std::size_t from = before > trigger.size() ? before - trigger.size() : 0;
        if (!typed && r.output.find(trigger, from) != std::string::npos) {
            typed = true;
            // The process may end between the read and this write: no SIGPIPE for that.
            struct sigaction ignore {
            }, old{};
            ignore.sa_handler = SIG_IGN;
            ::sigaction(SIGPIPE, &ignore, &old);
            const ssize_t w = ::write(in_pipe[1], answer.data(), answer.size());
            (void)w;
            ::sigaction(SIGPIPE, &old, nullptr);
        }
    }
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

// The serial console without its ANSI escapes (colours, cursor moves) and carriage returns.
std::string strip_terminal(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '\x1b') {
            if (i + 1 < s.size() && s[i + 1] == '[') {
                i += 2;
                while (i < s.size() && !(s[i] >= 0x40 && s[i] <= 0x7e)) ++i;
            }
            continue;
        }
        if (c == '\r') continue;
        out += c;
    }
    return out;
}

// Where the Shell says a USB stick is: its controller's PCI slot and its port index, from a device
// path "PciRoot(0x0)/Pci(0x4,0x0)/USB(0x2,0x0)[/HD(...)]".
using UsbLocation = std::pair<unsigned, unsigned>;
std::optional<UsbLocation> usb_location(const std::string& path) {
    static const std::regex usb(R"(Pci\(0x([0-9A-Fa-f]+),0x0\)/USB\(0x([0-9A-Fa-f]+),0x0\))");
    std::smatch m;
    if (!std::regex_search(path, m, usb)) return std::nullopt;
    return UsbLocation{static_cast<unsigned>(std::stoul(m[1], nullptr, 16)),
                       static_cast<unsigned>(std::stoul(m[2], nullptr, 16))};
}

// A value QEMU's -drive option takes literally (commas doubled).
std::string qemu_value(const std::string& s) {
    std::string out;
    for (char c : s) {
        out += c;
        if (c == ',') out += ',';
    }
    return out;
}

std::string hex(unsigned v) {
    std::ostringstream o;
    o << std::hex << std::uppercase << v;
    return o.str();
}

bool file_exists(const std::string& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

Read missing(const std::string& what) {
    Read r;
    r.status = Status::missing;
    r.log = what;
    return r;
}

// The startup.nsh the Shell runs from fs0: (the helper disk): every other file system in turn,
// its \setup.bin copied to fs0:\kN.bin, a marker line per file system on the serial console,
// then power off. `last` is the highest fsN: tried.
std::string startup_script(std::size_t last) {
    std::ostringstream s;
    s << "@echo -off\r\n"
      << "connect -r\r\n"
      << "map -r\r\n"
      << "for %a run (1 " << last << ")\r\n"
      << "  if exist fs%a:\\setup.bin then\r\n"
      << "    echo UKPU-FOUND fs%a\r\n"
      << "    cp -q fs%a:\\setup.bin fs0:\\k%a.bin\r\n"
      << "    echo UKPU-COPIED fs%a %lasterror%\r\n"
      << "  else\r\n"
      << "    echo UKPU-NONE fs%a\r\n"
      << "  endif\r\n"
      << "endfor\r\n"
      << "echo UKPU-DONE\r\n"
      << "reset -s\r\n";
    return s.str();
}

std::uint16_t le16(const std::vector<std::uint8_t>& b, std::size_t at) {
    return static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8));
}
std::uint32_t le32(const std::vector<std::uint8_t>& b, std::size_t at) {
    return static_cast<std::uint32_t>(b[at]) | static_cast<std::uint32_t>(b[at + 1]) << 8 |
           static_cast<std::uint32_t>(b[at + 2]) << 16 |
           static_cast<std::uint32_t>(b[at + 3]) << 24;
}

// `n` bytes of `path` at `offset` (fewer at its end).
std::vector<std::uint8_t> read_at(const std::string& path, std::uint64_t offset, std::size_t n) {
    std::ifstream in(path, std::ios::binary);
    std::vector<std::uint8_t> out(n);
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(n));
    out.resize(in ? n : static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
    return out;
}

// The jump, sector size and counts of a FAT boot sector (a BPB), with the sector size `bps` when
// asked (0: any).
bool fat_boot_sector(const std::vector<std::uint8_t>& s, unsigned bps = 0) {
    if (s.size() < 512) return false;
    if (!((s[0] == 0xEB && s[2] == 0x90) || s[0] == 0xE9)) return false;
    const unsigned b = le16(s, 11);
    const unsigned spc = s[13];
    if (b != 512 && b != 1024 && b != 2048 && b != 4096) return false;
    if (bps != 0 && b != bps) return false;
    return spc != 0 && (spc & (spc - 1)) == 0 && le16(s, 14) != 0 && s[16] != 0;
}

}  // namespace

const char* to_string(Status s) {
    switch (s) {
        case Status::missing:
            return "reader missing";
        case Status::failed:
            return "reader failed";
        case Status::not_found:
            return "not found";
        case Status::found:
            return "found";
    }
    return "?";
}

std::string uefi_missing() {
    std::string m;
    if (!tool_available(kQemu)) m += "qemu-system-x86_64 (package qemu-system-x86); ";
    if (!file_exists(kOvmfCode) || !file_exists(kOvmfVars))
        m += std::string(kOvmfCode) + " / OVMF_VARS_4M.fd (package ovmf); ";
    if (!tool_available("mkfs.fat")) m += "mkfs.fat (package dosfstools); ";
    if (!tool_available("mcopy")) m += "mcopy (package mtools); ";
    return m;
}

std::string grub_missing() {
    return tool_available("grub-fstest") ? "" : "grub-fstest (package grub-common)";
}

std::string sevenzip_missing() {
    return tool_available("7z") ? "" : "7z (package p7zip-full)";
}

UefiBatch uefi_read_setup_bins(const std::vector<UefiStick>& sticks, std::chrono::seconds timeout) {
    UefiBatch batch;
    const char* accel = ::getenv("UKPU_QEMU_ACCEL");
    batch.accel = accel && *accel ? accel : "tcg";
    if (const auto m = uefi_missing(); !m.empty()) {
        batch.reads.assign(sticks.size(), missing(m));
        return batch;
    }
    auto fail_all = [&](const std::string& why) {
        Read r;
        r.status = Status::failed;
        r.log = why;
        batch.reads.assign(sticks.size(), r);
        return batch;
    };
    if (sticks.empty()) return batch;

    TempDir dir;
    // The helper disk (fs0:): FAT, holding startup.nsh; the copies land on it.
    const std::string helper = dir.path("helper.img");
    const std::string script = dir.path("startup.nsh");
    const std::string vars = dir.path("vars.fd");
    const std::size_t last_fs = sticks.size() + 2;  // a spare in case a stick maps twice
    {
        std::ofstream out(script, std::ios::binary);
        out << startup_script(last_fs);
    }
    const auto made =
        run_command("truncate -s 64M " + shell_quote(helper) + " && mkfs.fat -n " + "UKPUHELPER " +
                    shell_quote(helper) + " >/dev/null && " + kMtools + "mcopy -i " +
                    shell_quote(helper) + " " + shell_quote(script) + " ::startup.nsh");
    if (made.exit_code != 0) return fail_all("cannot make the helper disk: " + made.output);
    std::error_code ec;
    fs::copy_file(kOvmfVars, vars, ec);
    if (ec) return fail_all("cannot copy " + std::string(kOvmfVars) + ": " + ec.message());
    fs::permissions(vars, fs::perms::owner_read | fs::perms::owner_write, ec);

    std::vector<std::string> argv = {
        kQemu,
        "-machine",
        "q35",
        "-accel",
        batch.accel,
        "-m",
        "256",
        "-smp",
        "1",
        "-display",
        "none",
        "-no-reboot",
        "-nodefaults",
        "-serial",
        "stdio",
        "-drive",
        std::string("if=pflash,format=raw,unit=0,readonly=on,file=") + kOvmfCode,
        "-drive",
        "if=pflash,format=raw,unit=1,file=" + qemu_value(vars),
        "-drive",
        "if=none,id=helper,format=raw,file=" + qemu_value(helper),
        "-device",
        "virtio-blk-pci,drive=helper,bootindex=0,addr=0x" + hex(kHelperSlot)};
    const std::size_t controllers = (sticks.size() + kPortsPerController - 1) / kPortsPerController;
    for (std::size_t c = 0; c < controllers; ++c) {
        argv.push_back("-device");
        argv.push_back("qemu-xhci,id=xhci" + std::to_string(c) +
                       ",p2=" + std::to_string(kPortsPerController) + ",p3=1,addr=0x" +
                       hex(static_cast<unsigned>(kFirstControllerSlot + c)));
    }
    for (std::size_t i = 0; i < sticks.size(); ++i) {
        const auto c = i / kPortsPerController;
        const auto port = i % kPortsPerController;
        const auto id = std::to_string(i);
        const auto bs = std::to_string(sticks[i].logical_block_size);
        // snapshot=on: the firmware may write (a real stick is writable) but the image is kept.
        argv.insert(argv.end(), {"-drive",
                                 "if=none,id=key" + id +
                                     ",format=raw,snapshot=on,file=" + qemu_value(sticks[i].image),
                                 "-device",
                                 "usb-bot,id=bot" + id + ",bus=xhci" + std::to_string(c) +
                                     ".0,port=" + std::to_string(port + 1),
                                 "-device",
                                 "scsi-hd,drive=key" + id + ",bus=bot" + id +
                                     ".0,logical_block_size=" + bs + ",physical_block_size=" + bs});
    }

    if (timeout.count() <= 0)
        timeout = std::chrono::seconds(120 + 5 * static_cast<long long>(sticks.size()));
    const auto t0 = std::chrono::steady_clock::now();
    // Any key typed during the Shell's 5-second countdown skips the wait for startup.nsh.
    const auto qemu = run_typing(argv, timeout, "any other key", "\r");
    batch.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    batch.serial_log = strip_terminal(qemu.output);
    const std::string& log = batch.serial_log;
    batch.completed =
        !qemu.timed_out && qemu.exit_code == 0 && log.find("UKPU-DONE") != std::string::npos;
    if (!batch.completed) {
        std::string why = qemu.timed_out
                              ? "QEMU timed out after " + std::to_string(timeout.count()) + " s"
                              : "QEMU exited with " + std::to_string(qemu.exit_code) +
                                    " before the Shell script ended";
        return fail_all(why + "; serial console:\n" + log);
    }

    // The Shell's last mapping table: "FSn: Alias(s):..." then the device path line.
    std::map<int, std::string> fs_path;
    {
        std::istringstream in(log);
        std::string line;
        int pending = -1;
        static const std::regex fs_line(R"(^\s*FS([0-9]+):)");
        std::smatch m;
        while (std::getline(in, line)) {
            if (std::regex_search(line, m, fs_line)) {
                pending = std::stoi(m[1]);
                continue;
            }
            if (pending >= 0 && line.find("PciRoot(") != std::string::npos) {
                fs_path[pending] = line.substr(line.find("PciRoot("));
                pending = -1;
            }
        }
    }
    // The script's markers per fsN.
    std::map<int, std::vector<std::string>> markers;
    {
        std::istringstream in(log);
        std::string line;
        static const std::regex marker(R"(^(UKPU-[A-Z]+) fs([0-9]+)\b(.*)$)");
        std::smatch m;
        while (std::getline(in, line))
            if (std::regex_search(line, m, marker))
                markers[std::stoi(m[2])].push_back(m[1].str() + m[3].str());
    }

    // Which stick is which: the Shell names a stick by its controller's PCI slot and a port
    // index, "Pci(0xS,0x0)/USB(0xP,0x0)", that is not QEMU's port number (the firmware counts the
    // controller's USB 3 ports among them) but grows with it. So the port indices seen on each
    // controller, in order, are its sticks in the order they were attached; every stick shows
    // (as a BLKn: block device at least), or the batch failed.
    std::vector<UsbLocation> where(sticks.size());
    {
        std::map<unsigned, std::set<unsigned>> seen;  // slot -> port indices
        std::istringstream in(log);
        std::string line;
        while (std::getline(in, line))
            if (const auto at = usb_location(line)) seen[at->first].insert(at->second);
        for (std::size_t c = 0; c < controllers; ++c) {
            const unsigned slot = static_cast<unsigned>(kFirstControllerSlot + c);
            const std::size_t first = c * kPortsPerController;
            const std::size_t count = std::min(kPortsPerController, sticks.size() - first);
            const auto& ports = seen[slot];
            if (ports.size() != count)
                return fail_all("the firmware shows " + std::to_string(ports.size()) +
                                " USB devices on the controller at PCI slot " + hex(slot) +
                                " where " + std::to_string(count) +
                                " sticks are attached; serial console:\n" + log);
            std::size_t i = first;
            for (unsigned port : ports) where[i++] = {slot, port};
        }
    }

    batch.reads.resize(sticks.size());
    for (std::size_t i = 0; i < sticks.size(); ++i) {
        Read& r = batch.reads[i];
        std::vector<int> mine;
        for (const auto& [n, path] : fs_path)
            if (n != 0 && usb_location(path) == where[i]) mine.push_back(n);
        std::ostringstream says;
        says << "stick " << i << " (" << sticks[i].image << ", " << sticks[i].logical_block_size
             << "-byte blocks) at Pci(0x" << hex(where[i].first) << ",0x0)/USB(0x"
             << hex(where[i].second) << ",0x0): ";
        if (mine.empty()) {
            r.status = Status::not_found;
            says << "the firmware mapped no file system on it";
            r.log = says.str();
            continue;
        }
        r.status = Status::not_found;
        for (int n : mine) {
            says << "fs" << n << ": " << fs_path[n] << ";";
            for (const auto& mk : markers[n]) says << " " << mk;
            says << "\n";
            const auto& mk = markers[n];
            const bool reported_found = std::any_of(mk.begin(), mk.end(), [](const std::string& s) {
                return s.rfind("UKPU-FOUND", 0) == 0;
            });
            const bool reported_none = std::any_of(mk.begin(), mk.end(), [](const std::string& s) {
                return s.rfind("UKPU-NONE", 0) == 0;
            });
            if (!reported_found && !reported_none) {
                r.status = Status::failed;
                says << "the Shell script said nothing for fs" << n;
                break;
            }
            if (!reported_found) continue;
            const std::string copy = dir.path("k" + std::to_string(n) + ".bin");
            const auto got =
                run_command(std::string(kMtools) + "mcopy -n -i " + shell_quote(helper) + " ::k" +
                            std::to_string(n) + ".bin " + shell_quote(copy));
            if (got.exit_code != 0 || !file_exists(copy)) {
                r.status = Status::failed;
                says << "the Shell found \\setup.bin on fs" << n
                     << " but its copy is not on the helper disk: " << got.output;
                break;
            }
            r.status = Status::found;
            r.bytes = read_bytes(copy);
            break;
        }
        r.log = says.str();
    }
    return batch;
}

Read uefi_read_setup_bin(const std::string& image, std::uint32_t logical_block_size) {
    auto batch = uefi_read_setup_bins({{image, logical_block_size}});
    Read r = batch.reads.at(0);
    if (!batch.serial_log.empty()) r.log += "\nserial console:\n" + batch.serial_log;
    return r;
}

Read grub_read_setup_bin(const std::string& image) {
    if (const auto m = grub_missing(); !m.empty()) return missing(m);
    TempDir dir;
    std::string disk = image;
    std::string root = "(loop0,msdos1)";
    std::string how;
    const auto first = read_at(image, 0, 512);
    if (fat_boot_sector(first)) {
        root = "(loop0)";
        how = "superfloppy";
    } else if (first.size() == 512 && first[510] == 0x55 && first[511] == 0xAA) {
        const std::uint64_t start = le32(first, 0x1C6);
        const std::uint64_t count = le32(first, 0x1CA);
        if (!fat_boot_sector(read_at(image, start * 512, 512)) &&
            fat_boot_sector(read_at(image, start * 4096, 4096), 4096)) {
            // A table counting 4096-byte sectors: GRUB reads only 512-byte disks, so its
            // partition is read from a copy of its own.
            disk = dir.path("partition.img");
            const auto cut =
                run_command("dd if=" + shell_quote(image) + " of=" + shell_quote(disk) +
                            " bs=4096 skip=" + std::to_string(start) +
                            " count=" + std::to_string(count) + " conv=sparse status=none");
            if (cut.exit_code != 0) {
                Read r;
                r.log = "cannot copy the partition: " + cut.output;
                return r;
            }
            root = "(loop0)";
            how = "MBR of 4096-byte sectors, partition copied";
        } else {
            how = "MBR";
        }
    }
    const std::string out = dir.path("setup.bin");
    const auto r = run_command("grub-fstest " + shell_quote(disk) + " cp " +
                               shell_quote(root + "/setup.bin") + " " + shell_quote(out));
    Read read;
    read.log = "grub-fstest " + root + " (" + (how.empty() ? "no FAT seen" : how) + "): exit " +
               std::to_string(r.exit_code) + ": " + r.output;
    if (r.exit_code < 0) {
        read.status = Status::failed;
        return read;
    }
    if (r.exit_code == 0 && file_exists(out)) {
        read.status = Status::found;
        read.bytes = read_bytes(out);
    } else {
        read.status = Status::not_found;
    }
    return read;
}

Read sevenzip_read_setup_bin(const std::string& image) {
    if (const auto m = sevenzip_missing(); !m.empty()) return missing(m);
    TempDir dir;
    const std::string out = dir.path("x");
    const auto r =
        run_command("7z x -y -bd -o" + shell_quote(out) + " " + shell_quote(image) + " 2>&1");
    Read read;
    read.log = "7z x: exit " + std::to_string(r.exit_code) + ": " + r.output;
    if (r.exit_code < 0) {
        read.status = Status::failed;
        return read;
    }
    read.status = Status::not_found;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(out, ec)) {
        std::string name = e.path().filename().string();
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (name == "setup.bin" && e.is_regular_file()) {
            read.status = Status::found;
            read.bytes = read_bytes(e.path().string());
            read.log += "\nextracted " + e.path().filename().string();
            break;
        }
    }
    return read;
}

}  // namespace ukpu::test::readers
