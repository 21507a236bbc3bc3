#!/usr/bin/env bash
# Installs the built packages and runs what they installed:
#   the installed `ukpu --version` (the package's version), `ukpu build --image` of the sample
#   profile samples/pki-amt14.toml and `ukpu verify` of that image, `man -l` of both installed
#   pages, the installed bash completion (sourced, driven with COMP_WORDS), the desktop entry
#   (desktop-file-validate), the polkit policy (well-formed, its action and exec path), the
#   programs' libraries all found, and nothing of the test build (ukpu-test) in any package.
#   install_test.sh PACKAGE_DIR
# Where: as root with no ukpu installed (CI), on the machine itself with `dpkg -i` (dpkg resolves
# the dependencies dpkg-shlibdeps found against the installed system, and the maintainer
# scripts and triggers run as they will for a user), removed again with `dpkg --purge` at exit
# whatever happened. Otherwise (not root, or a ukpu already installed, or UKPU_INSTALL_TEST=extract)
# into a clean root made with `dpkg-deb -x`, each Depends checked against the installed
# packages with dpkg-query, the programs run from that root: `dpkg --root` would need a whole
# system (the libraries and dpkg's database) inside the root to run anything from it.
set -uo pipefail
packages=$(cd "$1" && pwd)
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
installed_here=()
cleanup() {
    if ((${#installed_here[@]})); then
        dpkg --purge "${installed_here[@]}" >/dev/null 2>&1 ||
            echo "install test: could not remove ${installed_here[*]}" >&2
    fi
    rm -rf "$work"
}
trap cleanup EXIT

failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

debs=("$packages"/ukpu_*.deb "$packages"/ukpu-gui_*.deb)
debs=($(ls "${debs[@]}" 2>/dev/null))
[[ -f ${debs[0]:-} ]] || { echo "FAIL: no ukpu_*.deb in $packages (run scripts/package)"; exit 1; }
version=$(dpkg-deb -f "${debs[0]}" Version)
upstream=${version%-*}

# Nothing of the test build in any package; only /usr.
for deb in "${debs[@]}"; do
    listing=$(dpkg-deb -c "$deb" | awk '{print $6}')
    if grep -qE 'ukpu-test|/include/|\.a$|tests?/' <<<"$listing"; then
        fail "$(basename "$deb") holds test-build or development files"
    elif grep -qvE '^\./($|usr/)' <<<"$listing"; then
        fail "$(basename "$deb") installs outside /usr"
    else
        pass "$(basename "$deb"): only /usr, no test build"
    fi
done

mode=${UKPU_INSTALL_TEST:-}
if [[ -z $mode ]]; then
    if [[ $(id -u) -eq 0 ]] && ! dpkg-query -W -f='${db:Status-Status}' ukpu 2>/dev/null | grep -q installed; then
        mode=system
    else
        mode=extract
    fi
fi

if [[ $mode == system ]]; then
    echo "== dpkg -i ${debs[*]##*/} (on this machine; purged at exit)"
    names=()
    for deb in "${debs[@]}"; do names+=("$(dpkg-deb -f "$deb" Package)"); done
    installed_here=("${names[@]}")
    if dpkg -i "${debs[@]}" >"$work/dpkg.log" 2>&1; then
        pass "dpkg -i: installed with their dependencies satisfied"
    else
        cat "$work/dpkg.log"
        fail "dpkg -i"
        exit 1
    fi
    for n in "${names[@]}"; do
        st=$(dpkg-query -W -f='${db:Status-Status} ${Version}' "$n")
        [[ $st == "installed $version" ]] && pass "dpkg-query: $n $st" || fail "dpkg-query $n: $st"
    done
    root=""
else
    echo "== dpkg-deb -x into a clean root ($work/root)"
    root=$work/root
    mkdir -p "$root"
    for deb in "${debs[@]}"; do dpkg-deb -x "$deb" "$root"; done
    # Each dependency (a|b alternatives, version relations) against the installed packages;
    # ukpu (= version) of ukpu-gui is the package extracted beside it.
    before=$failures
    for deb in "${debs[@]}"; do
        deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n')
        while read -r dep; do
            [[ -z $dep ]] && continue
            name=${dep%% *}
            [[ $name == ukpu ]] && continue
            rel=$(sed -n 's/.*(\(.*\)).*/\1/p' <<<"$dep")
            have=$(dpkg-query -W -f='${Version}' "$name" 2>/dev/null || true)
            if [[ -z $have ]]; then
                fail "$(basename "$deb"): dependency $dep is not installed"
            elif [[ -n $rel ]] && ! dpkg --compare-versions "$have" "${rel%% *}" "${rel#* }"; then
                fail "$(basename "$deb"): dependency $dep not met by $have"
            fi
        done <<<"$deps"
    done
    ((failures == before)) && pass "every Depends is met by the installed packages"
fi

ukpu=$root/usr/bin/ukpu
gui=$root/usr/bin/ukpu-gui

out=$("$ukpu" --version 2>&1)
[[ $out == "ukpu $upstream" ]] && pass "installed ukpu --version: $out" ||
    fail "installed ukpu --version printed '$out', the package is $version"

for program in "$ukpu" "$gui"; do
    [[ -x $program ]] || continue
    if ldd "$program" | grep -q 'not found'; then
        fail "$program: $(ldd "$program" | grep 'not found' | head -3)"
    else
        pass "$(basename "$program"): every library found"
    fi
done

cp -r "$repo/samples" "$work/samples"
if (cd "$work" && "$ukpu" build --image "$work/key.img" --size 64M \
        --config samples/pki-amt14.toml >"$work/build.log" 2>&1); then
    pass "installed ukpu build --image key.img --config samples/pki-amt14.toml"
else
    cat "$work/build.log"
    fail "installed ukpu build --image of the sample profile"
fi
if "$ukpu" verify --image "$work/key.img" >"$work/verify.log" 2>&1; then
    pass "installed ukpu verify --image key.img"
else
    cat "$work/verify.log"
    fail "installed ukpu verify --image"
fi

page=$root/usr/share/man/man1/ukpu.1.gz
text=$(MANWIDTH=100 man -l "$page" 2>"$work/man.err")
if [[ -s $work/man.err ]]; then cat "$work/man.err"; fi
if grep -q "ukpu $upstream" <<<"$text" && grep -q "EXIT STATUS" <<<"$text" &&
    grep -q "keys generate" <<<"$text" && grep -q -- "--allow-non-usb" <<<"$text"; then
    pass "man -l $page ($(wc -l <<<"$text") lines)"
else
    fail "man -l $page"
fi
if [[ -f $root/usr/share/man/man1/ukpu-gui.1.gz ]]; then
    text=$(man -l "$root/usr/share/man/man1/ukpu-gui.1.gz" 2>/dev/null)
    grep -q "ukpu-gui" <<<"$text" && pass "man -l ukpu-gui.1.gz" || fail "man -l ukpu-gui.1.gz"
fi

completion=$root/usr/share/bash-completion/completions/ukpu
result=$(bash -c '
    source "$1" || exit 1
    COMP_WORDS=("$2" setupbin c); COMP_CWORD=2; COMPREPLY=()
    _ukpu ukpu c setupbin
    echo "${COMPREPLY[*]}"
    COMP_WORDS=("$2" verify --firmware ""); COMP_CWORD=3; COMPREPLY=()
    _ukpu ukpu "" --firmware
    echo "${COMPREPLY[*]}"' _ "$completion" "$ukpu")
if [[ $result == $'check create\nall legacy uefi mebx' ]]; then
    pass "installed bash completion: setupbin c -> check create; --firmware -> all legacy uefi mebx"
else
    fail "installed bash completion gave: $result"
fi

desktop=$root/usr/share/applications/ukpu-gui.desktop
if [[ -f $desktop ]]; then
    if command -v desktop-file-validate >/dev/null; then
        desktop-file-validate "$desktop" && pass "desktop-file-validate ukpu-gui.desktop" ||
            fail "desktop-file-validate ukpu-gui.desktop"
    fi
    icon=$(sed -n 's/^Icon=//p' "$desktop")
    [[ -f $root/usr/share/icons/hicolor/scalable/apps/$icon.svg ]] &&
        pass "its icon $icon.svg is installed" || fail "icon $icon not installed"
    policy=$root/usr/share/polkit-1/actions/org.ukpu.write-stick.policy
    if python3 - "$policy" <<'PY'; then
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
action = root.find("action[@id='org.ukpu.write-stick']")
assert action is not None, "no action org.ukpu.write-stick"
paths = [a.text for a in action.findall("annotate")
         if a.get("key") == "org.freedesktop.policykit.exec.path"]
assert paths == ["/usr/bin/ukpu"], paths
PY
        pass "polkit policy: org.ukpu.write-stick runs /usr/bin/ukpu"
    else
        fail "polkit policy $policy"
    fi
fi

if ((failures)); then
    echo "install test: $failures failed"
    exit 1
fi
echo "install test: PASS ($mode)"
