// base::for_each_in_parallel, which builds a batch's setup.bin files on every core: each job runs
// exactly once whatever the number of cores, and the exception of the lowest index that threw
// comes out once every job has ended. base::in_order_in_parallel, which stores each file while
// the next ones are built: each consumer call in order after its job, the jobs going on meanwhile,
// and a failure on either side stopping both.
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
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

TEST(InOrderInParallel, ThenRunsInOrderEachAfterItsJob) {
    for (const std::size_t count : {0u, 1u, 2u, 3u, 500u}) {
        std::vector<std::atomic<int>> runs(count);
        std::vector<std::size_t> order;
        base::in_order_in_parallel(
            count, [&](std::size_t k) { ++runs[k]; },
            [&](std::size_t k) {
                EXPECT_EQ(runs[k].load(), 1) << k << ": then before its job";
                order.push_back(k);
            });
        ASSERT_EQ(order.size(), count);
        for (std::size_t k = 0; k < count; ++k) {
            EXPECT_EQ(order[k], k);
            EXPECT_EQ(runs[k].load(), 1) << k;
        }
    }
}

TEST(InOrderInParallel, TheJobsGoOnWhileThenRuns) {
    // then(0) waits for the last job: it ends only if the jobs do not wait for the consumer.
    constexpr std::size_t count = 50;
    std::atomic<bool> last_ended{false};
    bool seen = false;
    base::in_order_in_parallel(
        count,
        [&](std::size_t k) {
            if (k == count - 1) last_ended = true;
        },
        [&](std::size_t k) {
            if (k != 0) return;
            const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
            while (!last_ended && std::chrono::steady_clock::now() < until)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            seen = last_ended;
        });
    EXPECT_TRUE(seen) << "the jobs waited for then(0)";
}

TEST(InOrderInParallel, AFailedJobStopsTheConsumerBeforeIt) {
    std::vector<std::size_t> consumed;
    try {
        base::in_order_in_parallel(
            100,
            [&](std::size_t k) {
                if (k == 40) throw std::runtime_error("job 40");
            },
            [&](std::size_t k) { consumed.push_back(k); });
        ADD_FAILURE() << "nothing thrown";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "job 40");
    }
    ASSERT_LE(consumed.size(), 40u);
    for (std::size_t k = 0; k < consumed.size(); ++k) EXPECT_EQ(consumed[k], k);
}

TEST(InOrderInParallel, AFailedThenStopsEverything) {
    std::atomic<std::size_t> jobs{0};
    std::vector<std::size_t> consumed;
    try {
        base::in_order_in_parallel(
            1000, [&](std::size_t) { ++jobs; },
            [&](std::size_t k) {
                consumed.push_back(k);
                if (k == 3) throw std::runtime_error("then 3");
            });
        ADD_FAILURE() << "nothing thrown";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "then 3");
    }
    EXPECT_EQ(consumed, (std::vector<std::size_t>{0, 1, 2, 3}));
    EXPECT_LE(jobs.load(), 1000u);
}

}  // namespace
}  // namespace ukpu::test::parallel_test
