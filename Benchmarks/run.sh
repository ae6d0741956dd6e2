#!/usr/bin/env bash
# Snapshot-loading benchmark: `bianzhi check` against the libyaml floor.
#
#   Benchmarks/run.sh                     # sizes 1000 10000, both forms
#   Benchmarks/run.sh 1000                # one size
#   Benchmarks/run.sh --full              # adds 100000 (~600 MB of YAML per form)
#   Benchmarks/run.sh --forms file 100000 # one form only
#   Benchmarks/run.sh --runs 5 1000       # best of 5 instead of 3
#   Benchmarks/run.sh --no-audit          # only the floor and `bianzhi check`
#
# Builds bianzhi (release) and the C floor (Benchmarks/bin/bare_parse), generates
# missing data into Benchmarks/data/ (deterministic, see generate.py), then times
# each size and form: best wall time of N runs and the peak RSS (largest of the runs),
# measured with /usr/bin/time -f "%e %M".  The Markdown table goes to stdout;
# progress goes to stderr.  Kept out of `swift test` on purpose.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
data="$here/data"
bin="$here/bin"
bianzhi="$root/.build/release/bianzhi"
bare="$bin/bare_parse"
timer=/usr/bin/time

say() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 2; }

usage() {
    sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit "${1:-2}"
}

# ------------------------------------------------------------------ arguments

sizes=()
forms="file folder"
runs=3
full=0
skip_audit=0
while [ $# -gt 0 ]; do
    case "$1" in
        --full) full=1 ;;
        --no-audit) skip_audit=1 ;;
        --forms) [ $# -ge 2 ] || usage; forms="$2"; shift ;;
        --runs) [ $# -ge 2 ] || usage; runs="$2"; shift ;;
        -h|--help) usage 0 ;;
        -*) say "unknown option: $1"; usage ;;
        *) case "$1" in *[!0-9]*|'') die "not a size: $1" ;; esac; sizes+=("$1") ;;
    esac
    shift
done
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
if [ "$full" = 1 ]; then
    case " ${sizes[*]} " in *" 100000 "*) ;; *) sizes+=(100000) ;; esac
fi
for form in $forms; do
    case "$form" in file|folder) ;; *) die "unknown form: $form (file or folder)" ;; esac
done
case "$runs" in *[!0-9]*|''|0) die "--runs needs a positive number" ;; esac
[ -x "$timer" ] || die "$timer not found (apt-get install time)"

# ------------------------------------------------------------------ build

say "building bianzhi (swift build -c release)"
(cd "$root" && swift build -c release >&2)
[ -x "$bianzhi" ] || die "no $bianzhi after the build"

say "building the C floor ($bare)"
mkdir -p "$bin"
gcc -O2 -o "$bare" "$here/bare_parse.c" -lyaml

# ------------------------------------------------------------------ data

# path_for SIZE FORM -> the snapshot path
path_for() {
    if [ "$2" = file ]; then printf '%s/s%s.yaml' "$data" "$1"; else printf '%s/s%s' "$data" "$1"; fi
}

generate() {
    local size="$1" form="$2" out
    out=$(path_for "$size" "$form")
    if [ "$form" = file ]; then
        [ -f "$out" ] && return 0
    else
        [ -f "$out/region.yaml" ] && return 0
        rm -rf "$out.part"
    fi
    say "generating $size institutions, $form form -> ${out#$root/}"
    mkdir -p "$data"
    if [ "$form" = file ]; then
        python3 "$here/generate.py" --institutions "$size" --form file --out "$out"
    else
        # Into a side folder first, so an interrupted run never leaves a half snapshot.
        python3 "$here/generate.py" --institutions "$size" --form folder --out "$out.part"
        rm -rf "$out"
        mv "$out.part" "$out"
    fi
}

# bytes_of PATH: total size of the YAML that is read
bytes_of() {
    if [ -d "$1" ]; then
        find "$1" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -printf '%s\n' |
            awk '{ s += $1 } END { printf "%d", s }'
    else
        wc -c < "$1" | tr -d ' '
    fi
}

# ------------------------------------------------------------------ timing

# best_of OK_CODES CMD... -> "SECONDS RSS_KB": the best wall time of $runs runs and the
# largest peak RSS.  OK_CODES is a space-separated list of accepted exit codes.
best_of() {
    local ok="$1"; shift
    local best="" rss=0 i out code t m
    out=$(mktemp)
    for i in $(seq 1 "$runs"); do
        code=0
        "$timer" -f "%e %M" -o "$out" "$@" > /dev/null 2> "$out.err" || code=$?
        case " $ok " in
            *" $code "*) ;;
            *) say "command failed (exit $code): $*"; tail -n 20 "$out.err" >&2; rm -f "$out" "$out.err"; exit 1 ;;
        esac
        read -r t m < <(tail -n 1 "$out")
        say "  run $i: ${t}s, $((m / 1024)) MB"
        if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best="$t"; fi
        [ "$m" -gt "$rss" ] && rss="$m"
    done
    rm -f "$out" "$out.err"
    printf '%s %s\n' "$best" "$rss"
}

# ------------------------------------------------------------------ audit (future)
#
# >>> AUDIT: place for `bianzhi audit` <<<
# Skipped while `bianzhi audit --help` fails (the command does not exist yet).  Note:
# ArgumentParser answers `bianzhi UNKNOWN --help` with the top-level help and exit 0,
# so the probe also requires the help to be the audit command's own ("USAGE: bianzhi audit").
# When it exists, adjust the invocation below (rules folder, options, accepted exit
# codes: 0 = no findings, 1 = violations found, which the planted data always has).
have_audit=0
if [ "$skip_audit" = 1 ]; then
    say "audit skipped (--no-audit)"
elif audit_help=$("$bianzhi" audit --help 2>&1) && printf '%s\n' "$audit_help" | grep -q 'USAGE: bianzhi audit'; then
    have_audit=1
fi

measure_audit() {  # PATH -> "SECONDS RSS_KB", or "- -" when audit is unavailable
    if [ "$have_audit" != 1 ]; then printf -- '- -\n'; return 0; fi
    say "bianzhi audit ${1#$root/}"
    best_of "0 1" "$bianzhi" audit --rules "$root/Rules" "$1"
}
# <<< AUDIT >>>

# ------------------------------------------------------------------ run

for size in "${sizes[@]}"; do
    for form in $forms; do generate "$size" "$form"; done
done

header='| size | form | bytes | bare parse s | check s | check/bare | bare RSS MB | check RSS MB |'
rule='|---:|---|---:|---:|---:|---:|---:|---:|'
if [ "$have_audit" = 1 ]; then
    header="$header audit s | audit RSS MB |"
    rule="$rule---:|---:|"
elif [ "$skip_audit" = 0 ]; then
    say "bianzhi audit is not available: audit columns skipped"
fi
rows=()
for size in "${sizes[@]}"; do
    for form in $forms; do
        path=$(path_for "$size" "$form")
        bytes=$(bytes_of "$path")
        say "size $size, $form form ($bytes bytes): bare parse"
        res=$(best_of "0" "$bare" "$path"); read -r bare_s bare_kb <<< "$res"
        say "size $size, $form form: bianzhi check"
        res=$(best_of "0" "$bianzhi" check "$path"); read -r check_s check_kb <<< "$res"
        ratio=$(awk -v c="$check_s" -v b="$bare_s" 'BEGIN { if (b > 0) printf "%.1f", c / b; else print "-" }')
        row=$(printf '| %s | %s | %s | %s | %s | %s | %d | %d |' "$size" "$form" "$bytes" "$bare_s" "$check_s" \
            "$ratio" $((bare_kb / 1024)) $((check_kb / 1024)))
        if [ "$have_audit" = 1 ]; then
            res=$(measure_audit "$path"); read -r audit_s audit_kb <<< "$res"
            row="$row$(printf ' %s | %d |' "$audit_s" $((audit_kb / 1024)))"
        fi
        rows+=("$row")
    done
done

say "done"
printf '%s\n%s\n' "$header" "$rule"
printf '%s\n' "${rows[@]}"
