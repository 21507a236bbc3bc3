#include "ukpu/base/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace ukpu::base {

void for_each_in_parallel(std::size_t count, const std::function<void(std::size_t)>& job) {
    const std::size_t threads =
        std::min<std::size_t>(count, std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::exception_ptr> errors(count);
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t k = next++; k < count; k = next++) {
            try {
                job(k);
            } catch (...) {
                errors[k] = std::current_exception();
            }
        }
    };
    {
        std::vector<std::jthread> helpers;
        for (std::size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
        work();
    }  // joined
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
}

void in_order_in_parallel(std::size_t count, const std::function<void(std::size_t)>& job,
                          const std::function<void(std::size_t)>& then) {
    if (count == 0) return;
    const std::size_t threads =
        std::min<std::size_t>(count, std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::exception_ptr> errors(count);
    std::vector<char> ended(count, 0);  // guarded by `m`: the job ran (or was skipped)
    std::mutex m;
    std::condition_variable cv;
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    auto work = [&] {
        for (std::size_t k = next++; k < count; k = next++) {
            // After a failure the remaining indexes are only marked ended, never run.
            if (!stop) {
                try {
                    job(k);
                } catch (...) {
                    errors[k] = std::current_exception();
                    stop = true;
                }
            }
            {
                const std::lock_guard<std::mutex> lock(m);
                ended[k] = 1;
            }
            cv.notify_all();
        }
    };
    std::exception_ptr failure;
    {
        std::vector<std::jthread> helpers;
        for (std::size_t t = 0; t < threads; ++t) helpers.emplace_back(work);
        for (std::size_t k = 0; k < count && !failure; ++k) {
            {
                std::unique_lock<std::mutex> lock(m);
                cv.wait(lock, [&] { return ended[k] != 0; });
            }
            if (errors[k] || stop) {
                // A job failed (this one or a later one): nothing more is consumed.
                stop = true;
                break;
            }
            try {
                then(k);
            } catch (...) {
                failure = std::current_exception();
                stop = true;
            }
        }
    }  // joined: every job started has ended
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
    if (failure) std::rethrow_exception(failure);
}

}  // namespace ukpu::base
