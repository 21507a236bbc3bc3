// Sets an environment variable for the life of the object, for the processes a test starts
// meanwhile (the test build of ukpu reads its fake machine and faults from the environment);
// the variable's earlier value, or its absence, comes back afterwards, so that one test's HOME
// or XDG_DATA_HOME never leaks into the tests that run after it in the same process.
#pragma once

#include <stdlib.h>

#include <optional>
#include <string>

namespace ukpu::test {

class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) {
        if (const char* before = ::getenv(name)) before_ = std::string(before);
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (before_)
            ::setenv(name_, before_->c_str(), 1);
        else
            ::unsetenv(name_);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* name_;
    std::optional<std::string> before_;
};

}  // namespace ukpu::test
