#!/usr/bin/env bash
# Profile one `bianzhi audit` of the generated benchmark data; print the top 25 symbols.
#
#   Benchmarks/profile.sh 10000          # the single-file form
#   Benchmarks/profile.sh 10000 folder   # the folder form
#
# Uses Benchmarks/data/s SIZE (.yaml or folder) and .build/release/bianzhi: run
# Benchmarks/run.sh SIZE first to generate the data and build.  Records with
# `perf record -g` (software cpu-clock sampling when the hardware counters are not
# available, as in most VMs); falls back to `valgrind --tool=callgrind` (about 50x
# slower) when perf is not usable.  Prints self time per symbol as a Markdown table,
# demangled with `swift demangle --simplified` when available.  The recording is kept
# in Benchmarks/data/profile-SIZE-FORM.{perf,callgrind} for `perf report -i` or
# `callgrind_annotate`.
set -euo pipefail
shopt -s inherit_errexit

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
bianzhi="$root/.build/release/bianzhi"
top=25

say() { printf '[profile] %s\n' "$*" >&2; }
die() { printf '[profile] error: %s\n' "$*" >&2; exit 2; }

if [ $# -lt 1 ] || [ $# -gt 2 ]; then die "usage: Benchmarks/profile.sh SIZE [file|folder]"; fi
size="$1" form="${2:-file}"
case "$size" in *[!0-9]*|'') die "not a size: $size" ;; esac
case "$form" in
    file) snapshot="$here/data/s$size.yaml"; [ -f "$snapshot" ] || die "no ${snapshot#"$root"/} (run Benchmarks/run.sh $size)" ;;
    folder) snapshot="$here/data/s$size"; [ -f "$snapshot/region.yaml" ] || die "no ${snapshot#"$root"/} (run Benchmarks/run.sh $size)" ;;
    *) die "unknown form: $form (file or folder)" ;;
esac
[ -x "$bianzhi" ] || die "no $bianzhi (swift build -c release)"
cmd=("$bianzhi" audit "$snapshot" --rules "$root/Rules" --quiet)
out="$here/data/profile-$size-$form"

# demangle: Swift symbols through `swift demangle --simplified`, when available
if command -v swift > /dev/null && swift demangle --simplified < /dev/null > /dev/null 2>&1; then
    demangle() { swift demangle --simplified; }
else
    say "swift demangle not available: symbols stay mangled"
    demangle() { cat; }
fi

# run_profiled CMD...: standard error to $out.log; the audit exits 1 when it finds
# violations, which the planted data has
run_profiled() {
    local code=0
    "$@" > /dev/null 2> "$out.log" || code=$?
    case "$code" in
        0|1) ;;
        *) tail -n 5 "$out.log" >&2; die "the audit failed under the profiler (exit $code), see ${out#"$root"/}.log" ;;
    esac
}

# table: "PERCENT<TAB>DSO<TAB>SYMBOL" lines -> Markdown
table() {
    printf '| # | self %% | object | symbol |\n|---:|---:|---|---|\n'
    demangle | awk -F '\t' '{ s = $3; if (length(s) > 120) s = substr(s, 1, 117) "..."; gsub(/\|/, "\\|", s)
                               printf "| %d | %s | %s | %s |\n", NR, $1, $2, s }'
}

if command -v perf > /dev/null && perf stat -e instructions true > /dev/null 2> "$out.probe"; then
    event=()
    if grep -q 'not supported' "$out.probe"; then
        say "no hardware counters: sampling cpu-clock"
        event=(-e cpu-clock)
    fi
    rm -f "$out.probe"
    say "perf record -g: ${cmd[*]}"
    run_profiled perf record "${event[@]}" -g -o "$out.perf" -- "${cmd[@]}"
    printf '## Top %d symbols, self time (perf, %s %s)\n\n' "$top" "$size" "$form"
    # Lines look like "  14.14%  libswiftCore.so  [.] swift_retain".
    perf report -i "$out.perf" --no-children --stdio -g none --sort dso,sym 2> /dev/null |
        awk '/^ *[0-9.]+%/ { p = $1; d = $2; $1 = ""; $2 = ""; $3 = ""; sub(/^ +/, ""); print p "\t" d "\t" $0 }' |
        head -n "$top" | table
else
    rm -f "$out.probe"
    command -v valgrind > /dev/null || die "neither perf nor valgrind is usable"
    say "note: perf is not usable here (perf stat -e instructions true failed): valgrind --tool=callgrind, much slower"
    run_profiled valgrind --tool=callgrind --callgrind-out-file="$out.callgrind" "${cmd[@]}"
    printf '## Top %d symbols, self instructions (callgrind, %s %s)\n\n' "$top" "$size" "$form"
    # Lines look like "1,234,567 (12.34%)  ???:symbol [/path/lib.so]" (self cost, sorted).
    callgrind_annotate --inclusive=no --threshold=100 "$out.callgrind" 2> /dev/null |
        awk 'match($0, /\(( *[0-9.]+%)\)/) && $0 ~ /:/ && $0 !~ /PROGRAM TOTALS/ {
                 p = substr($0, RSTART + 1, RLENGTH - 2); gsub(/ /, "", p)
                 rest = substr($0, RSTART + RLENGTH); sub(/^ +/, "", rest)
                 obj = "-"; if (match(rest, / \[[^]]*\]$/)) { obj = substr(rest, RSTART + 2, RLENGTH - 3); rest = substr(rest, 1, RSTART - 1); sub(/.*\//, "", obj) }
                 sub(/^[^:]*:/, "", rest); print p "\t" obj "\t" rest }' |
        head -n "$top" | table
fi
