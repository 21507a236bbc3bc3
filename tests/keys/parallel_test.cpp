// base::for_each_in_parallel, which builds a batch's setup.bin files on every core: each job runs
// exactly once whatever the number of cores, and the exception of the lowest index that threw
// comes out once every job has ended.
#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ukpu/base/parallel.hpp"

namespace ukpu::test::parallel_test {
namespace {

TEST(ForEachInParallel, RunsEveryJobOnce) {
    for (const std::size_t count : {0u, 1u, 2u, 3u, 1000u}) {
        std::vector<std::atomic<int>> runs(count);
        base::for_each_in_parallel(count, [&](std::size_t k) { ++runs[k]; });
        for (std::size_t k = 0; k < count; ++k)
            EXPECT_EQ(runs[k].load(), 1) << k << " of " << count;
    }
}

TEST(ForEachInParallel, ThrowsTheLowestIndexErrorAfterEveryJob) {
    std::vector<std::atomic<int>> runs(100);
    try {
        base::for_each_in_parallel(runs.size(), [&](std::size_t k) {
            ++runs[k];
            if (k == 70 || k == 30 || k == 99) throw std::runtime_error(std::to_string(k));
        });
        ADD_FAILURE() << "nothing thrown";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "30");
    }
    for (std::size_t k = 0; k < runs.size(); ++k) EXPECT_EQ(runs[k].load(), 1) << k;
}

}  // namespace
}  // namespace ukpu::test::parallel_test
