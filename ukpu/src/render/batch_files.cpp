#include "render/batch_files.hpp"

#include "exit_codes.hpp"
#include "render/key_report.hpp"

namespace ukpu::cli {

void print_batch_sticks(const GlobalOptions& g, const std::vector<provision::BatchFile>& files) {
    std::vector<StickLine> lines;
    for (const auto& f : files)
        lines.push_back({f.name, f.stick.value_or(devices::DeviceInfo{}),
                         f.key ? exit_code(f.key->status) : exit_ok});
    print_sticks_summary(g, "written and verified", lines);
    for (const auto& f : files)
        if (!f.left_generated.empty()) print_error(f.left_generated);
}

Json batch_file_json(const provision::BatchFile& file) {
    Json f = Json::object();
    f.set("target", file.name);
    f.set("path", file.path ? Json(*file.path) : Json());
    f.set("device", file.stick ? Json(file.name) : Json());
    f.set("serial", file.stick ? Json(file.stick->serial) : Json());
    f.set("state", file.stick ? Json(file.left_generated.empty() ? "written" : "failed") : Json());
    f.set("key_file", file.key_file_id == 0 ? Json() : Json(file.key_file_id));
    f.set("label", file.label.empty() ? Json() : Json(file.label));
    f.set("sha256", file.sha256);
    f.set("size", file.size);
    f.set("first_record", file.first_record);
    f.set("last_record", file.last_record);
    if (file.key) {
        Json key = Json::object();
        add_key_outcome(key, *file.key);
        f.set("key", std::move(key));
    } else {
        f.set("key", Json());
    }
    return f;
}

}  // namespace ukpu::cli
