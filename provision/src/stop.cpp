#include "ukpu/provision/stop.hpp"

namespace ukpu::provision {

namespace {
std::atomic<int> flag{0};
static_assert(std::atomic<int>::is_always_lock_free);
}  // namespace

std::atomic<int>& stop_flag() {
    return flag;
}

}  // namespace ukpu::provision
