// CLI11's App, declared only: headers name it, and the files that add options include
// <CLI/CLI.hpp> themselves. CLI11 is header-only and costs every file that includes it several
// seconds of compiling, so it stays out of the headers.
#pragma once

namespace CLI {
class App;
}  // namespace CLI
