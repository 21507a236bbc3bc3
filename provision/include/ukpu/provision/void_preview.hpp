// What voiding records would do, without changing the store (`keys void --dry-run`, and the
// window's confirmation before it voids a lost stick's records): the store's own rule, records
// a PC took kept, records voided before left as they were.
#pragma once

#include "ukpu/keys/key_store.hpp"
#include "ukpu/keys/records.hpp"

namespace ukpu::provision {

// keys::KeyStore::void_records(which, ...) as it would come out now. Throws keys::Error
// (not_found) for a key file, batch or PID the store does not hold.
keys::VoidOutcome would_void(const keys::KeyStore& store, const keys::VoidSelection& which);

}  // namespace ukpu::provision
