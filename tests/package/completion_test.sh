#!/usr/bin/env bash
# The bash completion of ukpu, sourced in bash and driven as bash drives it (COMP_WORDS,
# COMP_CWORD, then the function `complete -p ukpu` names): commands, subcommands, options of a
# command and the global ones, --firmware values (a comma-separated list), choices, files, and
# --device offering the sticks `ukpu devices --json` lists. The program asked for the sticks is the
# one on the command line (COMP_WORDS[0]); here a stand-in that prints a known list.
#   completion_test.sh COMPLETION_SCRIPT
set -uo pipefail
script=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/ukpu" <<'STUB'
#!/bin/sh
# ukpu --json devices, as two writable sticks answer it.
[ "$1 $2" = "--json devices" ] || exit 2
cat <<'JSON'
{
  "devices": [
    {
      "path": "/dev/sdb",
      "usb": true,
      "mounts": [
        "/media/user/KEY"
      ],
      "name": "sdb"
    },
    {
      "path": "/dev/sdc",
      "usb": true,
      "mounts": [],
      "name": "sdc"
    }
  ],
  "usb_bus": {
    "libusb": true
  }
}
JSON
STUB
chmod +x "$work/ukpu"
mkdir "$work/files"
touch "$work/files/setup.bin" "$work/files/profile.toml"

# shellcheck disable=SC1090
source "$script" || { echo "FAIL: sourcing $script"; exit 1; }
function_name=$(complete -p ukpu | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
[[ -n $function_name ]] || { echo "FAIL: no completion function for ukpu"; exit 1; }

failures=0
complete_line() {  # complete_line WORD... : completes the last word; the result in $result
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    "$function_name" ukpu "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]:-}" 2>/dev/null
    result=" ${COMPREPLY[*]} "
}
expect() {  # expect NAME WANTED... -- WORD...: every WANTED is offered for the line WORD...
    local name=$1
    shift
    local wanted=()
    while [[ $1 != -- ]]; do wanted+=("$1"); shift; done
    shift
    complete_line "$@"
    local w
    for w in "${wanted[@]}"; do
        if [[ $result != *" $w "* ]]; then
            echo "FAIL: $name: '$w' not offered for '$*' (got:$result)"
            failures=$((failures + 1))
            return
        fi
    done
    echo "ok: $name"
}
expect_not() {  # expect_not NAME UNWANTED -- WORD...
    local name=$1 unwanted=$2
    shift 3
    complete_line "$@"
    if [[ $result == *" $unwanted "* ]]; then
        echo "FAIL: $name: '$unwanted' offered for '$*'"
        failures=$((failures + 1))
        return
    fi
    echo "ok: $name"
}

u="$work/ukpu"
expect "commands" setupbin cert-hash keys build verify repair devices -- "$u" ""
expect "commands by prefix" repair -- "$u" re
expect "setupbin subcommands" show check create edit -- "$u" setupbin ""
expect "keys subcommands" generate import write list export sync void -- "$u" keys ""
expect "global options" --json --quiet --dry-run --version --help -- "$u" --
expect "build options" --image --device --setup-bin --config --allow-non-usb --unmount \
    --confirm --json -- "$u" build --
expect "options after a global flag" --show-secrets -- "$u" --json setupbin show --
expect "options after an option's value" --firmware --image -- "$u" verify --image key.img --
expect_not "no build option on verify" --setup-bin -- "$u" verify --
expect "--device offers the listed sticks" /dev/sdb /dev/sdc -- "$u" build --device ""
expect "--device by prefix" /dev/sdc -- "$u" verify --device /dev/sdc
expect "--device on keys write" /dev/sdb -- "$u" keys write --batch 3 --device ""
expect "--firmware values" all legacy uefi mebx -- "$u" setupbin check --firmware ""
expect "--firmware list item" legacy,uefi -- "$u" verify --firmware legacy,u
expect "--fs choices" fat12 fat16 fat32 -- "$u" build --fs ""
expect "--format choices" scs-csv scs-sql csv json -- "$u" keys export --format ""
expect "file option" "$work/files/setup.bin" -- "$u" build --setup-bin "$work/files/s"
expect "--config file" "$work/files/profile.toml" -- "$u" setupbin create --config "$work/files/p"
expect "--option=value as one word" /dev/sdb -- "$u" repair --device=/dev/sd
expect "--option=value as bash splits it" /dev/sdb -- "$u" repair --device = /dev/sd
expect "positional file" "$work/files/setup.bin" -- "$u" setupbin show "$work/files/se"

((failures == 0)) || { echo "$failures failed"; exit 1; }
echo "PASS"
