// Sets an environment variable for the life of the object, for the processes a test starts
// meanwhile (the test build of ukpu reads its fake machine and faults from the environment).
#pragma once

#include <stdlib.h>

#include <string>

namespace ukpu::test {

class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) {
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() { ::unsetenv(name_); }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* name_;
};

}  // namespace ukpu::test
