#!/usr/bin/env bash
# ukpu(1) names every command and every option that `ukpu ... --help` prints: walks the help of
# the program itself (its "Subcommands:" lists, recursively) and looks each command and each
# option up in the rendered manual page. The page is generated from the same definitions, so
# this is the guard that it stays so (a hand edit of the template cannot drop one).
#   man_matches_help_test.sh UKPU MAN_PAGE
set -euo pipefail
ukpu=$1
page=$2

rendered=$(MANWIDTH=200 man -l "$page" 2>/dev/null)
[[ -n $rendered ]] || { echo "FAIL: man -l $page printed nothing"; exit 1; }
grep -q "ukpu $("$ukpu" --version | awk '{print $2}')" <<<"$rendered" ||
    { echo "FAIL: the page does not carry the version ukpu --version prints"; exit 1; }

failures=0
checked_commands=0
checked_options=0

subcommands_of() {  # the command words listed under "Subcommands:" in a --help text
    awk '/^Subcommands:/ {on=1; next} on && /^  [a-z]/ {print $1; next} on && /^[^ ]/ {on=0}' 
}

walk() {  # walk WORD...: checks the help of `ukpu WORD...` and of its subcommands
    local words=("$@")
    local help
    help=$("$ukpu" "${words[@]}" --help)
    if ((${#words[@]} > 0)); then
        checked_commands=$((checked_commands + 1))
        if ! grep -qF "ukpu ${words[*]}" <<<"$rendered"; then
            echo "FAIL: command 'ukpu ${words[*]}' is not in the manual page"
            failures=$((failures + 1))
        fi
    fi
    local option
    # Every option name the help shows (at the start of an option line, or after a comma).
    while read -r option; do
        [[ -z $option || $option == --help || $option == -h ]] && continue
        checked_options=$((checked_options + 1))
        if ! grep -qE -- "(^|[ ,])${option}([ ,]|$)" <<<"$rendered"; then
            echo "FAIL: option $option of 'ukpu ${words[*]}' is not in the manual page"
            failures=$((failures + 1))
        fi
    done < <(grep -E '^ +-' <<<"$help" | grep -oE '(^ +|,)--?[A-Za-z0-9][-A-Za-z0-9]*' |
                 sed 's/^[ ,]*//' | sort -u)
    local sub
    for sub in $(subcommands_of <<<"$help"); do
        walk "${words[@]}" "$sub"
    done
}

walk
for section in "EXIT STATUS" "FILES" "ENVIRONMENT" "keys.db" "ukpu-journal" "130"; do
    if ! grep -qF -- "$section" <<<"$rendered"; then
        echo "FAIL: the manual page has no '$section'"
        failures=$((failures + 1))
    fi
done
echo "checked $checked_commands commands and $checked_options options against $page"
if ((checked_commands < 15 || checked_options < 100)); then
    echo "FAIL: too few commands or options found in the help: the walk is broken"
    exit 1
fi
((failures == 0)) || exit 1
echo "PASS"
