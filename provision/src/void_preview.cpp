#include "ukpu/provision/void_preview.hpp"

#include <vector>

#include "ukpu/keys/error.hpp"

namespace ukpu::provision {

keys::VoidOutcome would_void(const keys::KeyStore& store, const keys::VoidSelection& which) {
    std::vector<keys::KeyRecord> records;
    if (which.key_file_id) {
        (void)store.key_file(*which.key_file_id);  // Error(not_found)
        records = store.records_of_file(*which.key_file_id);
    } else if (which.batch_id) {
        (void)store.batch(*which.batch_id);  // Error(not_found)
        records = store.records(*which.batch_id);
    } else if (which.pid) {
        if (const auto r = store.find_pid(*which.pid)) {
            records.push_back(*r);
        } else {
            throw keys::Error(keys::ErrorCode::not_found,
                              "no record with PID " + *which.pid + " in the key store",
                              store.where());
        }
    }
    keys::VoidOutcome out;
    for (const auto& r : records) {
        if (r.state == keys::RecordState::consumed)
            ++out.consumed_kept;
        else if (r.voided())
            ++out.already_voided;
        else
            ++out.voided;
    }
    return out;
}

}  // namespace ukpu::provision
