#include "ukpu/keys/batch_builder.hpp"

#include <algorithm>
#include <set>
#include <unordered_set>

#include <openssl/evp.h>

#include "ukpu/base/parallel.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/keys/pidpps_generator.hpp"
#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/password.hpp"
#include "ukpu/setupbin/values.hpp"

namespace ukpu::keys {

namespace {

namespace sb = ukpu::setupbin;

sb::Entry text_entry(std::uint16_t module, std::uint16_t variable, std::string_view text) {
    sb::Entry e;
    e.module = module;
    e.variable = variable;
    e.value.assign(text.begin(), text.end());
    return e;
}

bool reserved(const sb::Entry& e) {
    return (e.module == 1 && (e.variable == 1 || e.variable == 2)) ||
           (e.module == 2 && (e.variable == 1 || e.variable == 2));
}

}  // namespace

std::string sha256_hex(std::span<const std::uint8_t> data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1)
        throw Error(ErrorCode::io, "SHA-256 failed");
    return sb::to_hex(std::span<const std::uint8_t>(md, len));
}

void check_new_password(std::string_view pw, const std::string& what) {
    auto problems = sb::new_password_problems(pw);
    if (problems.empty()) return;
    std::string msg = "the new MEBx password would be rejected by the firmware: ";
    for (std::size_t i = 0; i < problems.size(); ++i) msg += (i ? "; " : "") + problems[i];
    throw Error(ErrorCode::weak_password, msg, what);
}

void complete_file(const BatchRequest& request, BuiltKeyFile& file) {
    std::vector<std::vector<sb::Entry>> entries;
    entries.reserve(file.records.size());
    for (KeyRecord& r : file.records) {
        if (request.given.empty()) r.pps = generate_pps();
        if (r.current_password.empty()) r.current_password = request.current_password;
        if (r.new_password.empty())
            r.new_password = request.new_password ? *request.new_password : generate_password();
        std::vector<sb::Entry>& rec = entries.emplace_back();
        rec.reserve(request.common_entries.size() + 4);
        rec = request.common_entries;
        rec.push_back(text_entry(1, 1, r.current_password));
        rec.push_back(text_entry(1, 2, r.new_password));
        rec.push_back(text_entry(2, 1, r.pid));
        rec.push_back(text_entry(2, 2, r.pps));
    }
    try {
        file.bytes = sb::serialize(sb::build(request.build, entries));
    } catch (const sb::Error& e) {
        throw Error(ErrorCode::bad_argument, e.message(), e.where().str());
    }
    file.sha256 = sha256_hex(file.bytes);
}

std::vector<BuiltKeyFile> plan_batch(const BatchRequest& request, const TakenPids& taken) {
    if (request.count == 0) throw Error(ErrorCode::bad_argument, "a batch needs 1 record or more");
    if (!request.given.empty() && request.given.size() != request.count)
        throw Error(ErrorCode::bad_argument, "the count is not the number of records given");
    for (const auto& e : request.common_entries)
        if (reserved(e))
            throw Error(ErrorCode::bad_argument,
                        "entry " + std::to_string(e.module) + "/" + std::to_string(e.variable) +
                            " is set per record by the batch (PID, PPS, passwords)");
    // The request's current password stands for every record that has none of its own.
    bool need_current = request.given.empty();
    for (const auto& g : request.given) {
        need_current = need_current || g.current_password.empty();
        if (g.current_password.size() > 32)
            throw Error(ErrorCode::bad_argument,
                        "the current MEBx password of PID " + g.pid + " is longer than 32 bytes");
    }
    if (need_current && (request.current_password.empty() || request.current_password.size() > 32))
        throw Error(ErrorCode::bad_argument, "the current MEBx password must be 1 to 32 bytes");
    if (request.new_password) check_new_password(*request.new_password, "new password");

    const std::uint32_t per_key = request.per_key == 0 ? request.count : request.per_key;
    // First, in order: each file's records with their PIDs, unique within the batch (fresh ones
    // drawn again on a clash), and the given pairs checked.
    std::unordered_set<std::string> pids;
    pids.reserve(request.count);
    std::vector<BuiltKeyFile> files;
    files.reserve((request.count + per_key - 1) / per_key);
    for (std::uint32_t done = 0; done < request.count;) {
        const std::uint32_t n = std::min(per_key, request.count - done);
        BuiltKeyFile& file = files.emplace_back();
        file.records.resize(n);
        for (std::uint32_t i = 0; i < n; ++i) {
            KeyRecord& r = file.records[i];
            if (!request.given.empty()) {
                const KeyRecord& g = request.given[done + i];
                if (!pids.insert(g.pid).second)
                    throw Error(ErrorCode::duplicate_pid, "PID " + g.pid + " is given twice");
                r.id = g.id;
                r.pid = g.pid;
                r.pps = g.pps;
                r.current_password = g.current_password;
                r.new_password = g.new_password;
                if (!r.new_password.empty()) check_new_password(r.new_password, "PID " + r.pid);
            } else {
                do {
                    r.pid = generate_pid();
                } while (!pids.insert(r.pid).second);
            }
            r.record_number = i + 1;
        }
        done += n;
    }
    // Fresh PIDs the store already holds (a batch of 100,000 into a store of 100,000 shares one
    // about once in eight: 36^7 PIDs) are drawn again, and the new ones asked about in turn.
    if (taken && request.given.empty()) {
        std::vector<KeyRecord*> ask;
        ask.reserve(request.count);
        for (auto& f : files)
            for (auto& r : f.records) ask.push_back(&r);
        while (!ask.empty()) {
            std::vector<std::string> candidates;
            candidates.reserve(ask.size());
            for (const KeyRecord* r : ask) candidates.push_back(r->pid);
            const std::set<std::string> clash = taken(candidates);
            std::vector<KeyRecord*> again;
            for (KeyRecord* r : ask) {
                if (!clash.count(r->pid)) continue;
                // Kept in `pids` too: never drawn again for this batch.
                do {
                    r->pid = generate_pid();
                } while (!pids.insert(r->pid).second);
                again.push_back(r);
            }
            ask = std::move(again);
        }
    }
    return files;
}

std::vector<BuiltKeyFile> build_batch(const BatchRequest& request) {
    std::vector<BuiltKeyFile> files = plan_batch(request);
    // Then each file on its own, files spread over the processor's cores: the PPS and passwords
    // drawn, the setup.bin bytes and their sha256.
    base::for_each_in_parallel(files.size(),
                               [&](std::size_t k) { complete_file(request, files[k]); });
    return files;
}

}  // namespace ukpu::keys
