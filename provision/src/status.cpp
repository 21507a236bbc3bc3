#include "ukpu/provision/status.hpp"
#include "ukpu/provision/error.hpp"

namespace ukpu::provision {

const char* to_string(Status s) {
    switch (s) {
        case Status::ok:
            return "ok";
        case Status::problems:
            return "problems";
        case Status::bad_argument:
            return "bad argument";
        case Status::bad_input:
            return "bad input";
        case Status::refused:
            return "refused";
        case Status::io:
            return "I/O error";
        case Status::interrupted:
            return "interrupted";
    }
    return "unknown";
}

const char* status_name(Status s) {
    switch (s) {
        case Status::ok:
            return "ok";
        case Status::problems:
            return "problems";
        case Status::bad_argument:
            return "bad_argument";
        case Status::bad_input:
            return "bad_input";
        case Status::refused:
            return "refused";
        case Status::io:
            return "io";
        case Status::interrupted:
            return "interrupted";
    }
    return "io";
}

std::optional<Status> status_from_name(std::string_view name) {
    for (Status s : {Status::ok, Status::problems, Status::bad_argument, Status::bad_input,
                     Status::refused, Status::io, Status::interrupted})
        if (name == status_name(s)) return s;
    return std::nullopt;
}

Status worse(Status a, Status b) {
    auto rank = [](Status s) {
        switch (s) {
            case Status::interrupted:
                return 6;
            case Status::io:
                return 5;
            case Status::refused:
                return 4;
            case Status::bad_input:
                return 3;
            case Status::bad_argument:
                return 2;
            case Status::problems:
                return 1;
            case Status::ok:
                return 0;
        }
        return 0;
    };
    return rank(b) > rank(a) ? b : a;
}

Error::Error(Status code, std::string location, std::string message)
    : std::runtime_error(location.empty() ? message : location + ": " + message),
      code_(code),
      location_(std::move(location)),
      message_(std::move(message)) {}

}  // namespace ukpu::provision
