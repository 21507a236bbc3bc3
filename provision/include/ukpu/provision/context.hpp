// What a service works against: the machine whose disks it sees, and (in the test build only)
// faults to inject. The front ends make it in main: the shipped programs describe the running
// system and inject nothing; nothing in the services reads the environment for it.
#pragma once

#include <cstdint>

#include "ukpu/devices/machine.hpp"

namespace ukpu::provision {

// Faults injected into stick writes and repairs, for the tests of what a user sees when a stick
// fails or a write is stopped. All zero (none) outside the test build.
struct FaultPlan {
    std::uint64_t fail_after_writes = 0;       // the next write request fails with EIO
    std::uint64_t interrupt_after_writes = 0;  // SIGINT is raised (as if Ctrl-C was pressed)
    unsigned repair_write_delay_ms = 0;        // every repair write is slowed (to kill midway)
};

struct Context {
    devices::Machine machine = devices::Machine::running();
    FaultPlan faults;
};

}  // namespace ukpu::provision
