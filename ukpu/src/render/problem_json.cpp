#include "render/problem_json.hpp"

#include "exit_codes.hpp"

namespace ukpu::cli {

Json problem_json(const setupbin::Problem& p) {
    Json j = Json::object();
    j.set("firmware", setupbin::to_string(p.firmware));
    j.set("severity", setupbin::to_string(p.severity));
    j.set("code", setupbin::to_string(p.code));
    j.set("where", p.where.str());
    j.set("message", p.message);
    j.set("record", p.where.record ? Json(*p.where.record) : Json());
    j.set("offset", p.where.offset ? Json(*p.where.offset) : Json());
    j.set("field", p.where.field);
    return j;
}

Json problems_json(const setupbin::Problems& ps) {
    Json arr = Json::array();
    for (const auto& p : ps) arr.push(problem_json(p));
    return arr;
}

std::string problem_line(const setupbin::Problem& p) {
    return p.str();
}

int refused_exit_code(const setupbin::Problems& ps) {
    for (const auto& p : ps)
        if (p.severity == setupbin::Severity::error &&
            p.code == setupbin::ErrorCode::password_policy)
            return exit_bad_input;
    return exit_problems;
}

void print_findings(const GlobalOptions& g, const setupbin::Problems& ps, bool refused) {
    for (const auto& grp : setupbin::group_problems(ps)) {
        const setupbin::Severity severity = grp.first.severity;
        if (severity == setupbin::Severity::info && !g.verbose) continue;
        if (severity == setupbin::Severity::error && refused)
            print_error(grp.str(g.verbose, false));
        else if (severity == setupbin::Severity::error)
            print_warning(g, "written despite an error (--force): " + grp.str(g.verbose, false));
        else
            print_warning(g, grp.str(g.verbose, false));
    }
}

}  // namespace ukpu::cli
