// Independent jobs spread over the processor's cores.
#pragma once

#include <cstddef>
#include <functional>

namespace ukpu::base {

// Runs job(0) ... job(count - 1), spread over the processor's cores (one thread each at most,
// this one included), each index taken by whichever thread is free. Once every job has ended,
// throws the exception of the lowest index that threw, if any. The jobs must not depend on one
// another's order.
void for_each_in_parallel(std::size_t count, const std::function<void(std::size_t)>& job);

}  // namespace ukpu::base
