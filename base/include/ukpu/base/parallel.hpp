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

// Runs job(0) ... job(count - 1) on the processor's cores (helper threads, one per core), and
// then(0) ... then(count - 1) on this thread, in order, each as soon as its job has ended: then(k)
// runs while the jobs of later indexes do (a producer and an in-order consumer). Once a job or a
// then throws, no further job starts nor then runs; the exception is thrown once every job
// started has ended (a job's before a then's when both threw: the lowest index first).
void in_order_in_parallel(std::size_t count, const std::function<void(std::size_t)>& job,
                          const std::function<void(std::size_t)>& then);

}  // namespace ukpu::base
