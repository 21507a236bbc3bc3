#!/usr/bin/env bash
# The layering rules of docs/architecture.md, checked on the source tree:
# - only the command line (ukpu/) includes CLI11;
# - the window (gui/) includes no header of the command line and names nothing of ukpu::cli;
# - the libraries include no header of the front ends;
# - no folder of sources holds more than 25 files;
# - no test folder includes another test folder's files (tests/support/ is shared);
# - the libraries read no UKPU_* test variable (only ukpu/testing/ does).
# Prints every violation and exits 1 when there is one.
set -uo pipefail
root=${1:?usage: check_layout.sh SOURCE_ROOT}
cd "$root" || exit 2
failed=0
fail() {
    echo "layout: $*"
    failed=1
}
sources() {  # sources DIR...: the C++ files under the directories
    find "$@" -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) 2>/dev/null
}

libraries=(base setupbin fatwriter devices keys provision)

while IFS= read -r f; do
    fail "$f includes CLI11 (only ukpu/ may)"
done < <(sources "${libraries[@]}" gui tests bench fuzz | xargs -r grep -l '#include <CLI/' 2>/dev/null)

while IFS= read -r f; do
    fail "$f uses the command line's code (ukpu::cli or one of its headers)"
done < <(sources gui "${libraries[@]}" |
    xargs -r grep -lE 'ukpu::cli|cli::|#include "(context|app|exit_codes|create_options|device_options|interrupt_guard)\.hpp"|#include "(render|commands)/' 2>/dev/null)

while IFS= read -r d; do
    n=$(find "$d" -maxdepth 1 -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) | wc -l)
    if ((n > 25)); then fail "$d holds $n source files (at most 25)"; fi
done < <(find "${libraries[@]}" ukpu gui tests bench fuzz -type d 2>/dev/null)

while IFS= read -r hit; do
    fail "a test folder includes another's file: $hit"
done < <(sources tests | xargs -r grep -n '#include "\.\./' 2>/dev/null)

while IFS= read -r hit; do
    fail "a library reads a test variable: $hit"
done < <(sources "${libraries[@]}" gui | xargs -r grep -nE 'getenv\("UKPU_' 2>/dev/null)

if ((failed)); then exit 1; fi
echo "layout: every rule holds"
