#include "exit_codes.hpp"

#include "ukpu/devices/error.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/provision/device_safety.hpp"
#include "ukpu/setupbin/error.hpp"

namespace ukpu::cli {

int exit_code(provision::Status s) {
    switch (s) {
        case provision::Status::ok:
            return exit_ok;
        case provision::Status::problems:
            return exit_problems;
        case provision::Status::bad_argument:
            return exit_usage;
        case provision::Status::bad_input:
            return exit_bad_input;
        case provision::Status::refused:
            return exit_refused;
        case provision::Status::io:
            return exit_io;
        case provision::Status::interrupted:
            return exit_interrupted;
    }
    return exit_io;
}

int exit_code(const setupbin::Error& e) {
    return e.code() == setupbin::ErrorCode::bad_argument ? exit_usage : exit_bad_input;
}

int exit_code(const fat::Error& e) {
    return exit_code(provision::status_of(e));
}

int exit_code(const keys::Error& e) {
    switch (e.code()) {
        case keys::ErrorCode::bad_argument:
            return exit_usage;
        case keys::ErrorCode::bad_input:
        case keys::ErrorCode::not_a_store:
        case keys::ErrorCode::weak_password:
        case keys::ErrorCode::not_found:
            return exit_bad_input;
        case keys::ErrorCode::newer_schema:
        case keys::ErrorCode::duplicate_pid:
        case keys::ErrorCode::key_mismatch:
        case keys::ErrorCode::refused:
            return exit_refused;
        case keys::ErrorCode::io:
            return exit_io;
    }
    return exit_io;
}

int exit_code(const devices::Error& e) {
    return e.code() == devices::ErrorCode::malformed ? exit_bad_input : exit_io;
}

int worse_exit(int a, int b) {
    auto rank = [](int c) {
        switch (c) {
            case exit_interrupted:
                return 6;
            case exit_io:
                return 5;
            case exit_refused:
                return 4;
            case exit_bad_input:
                return 3;
            case exit_usage:
                return 2;
            default:
                return c == exit_ok ? 0 : 1;
        }
    };
    return rank(b) > rank(a) ? b : a;
}

}  // namespace ukpu::cli
