#!/usr/bin/env bash
# Performance benchmark (issue 7): `bianzhi check` and `bianzhi audit` against the libyaml floor.
#
#   Benchmarks/run.sh                     # sizes 1000 10000, both forms
#   Benchmarks/run.sh 1000                # one size
#   Benchmarks/run.sh --full              # adds 100000 (~600 MB of YAML per form)
#   Benchmarks/run.sh --forms file 100000 # one form only
#   Benchmarks/run.sh --runs 5 1000       # best of 5 instead of 3
#   Benchmarks/run.sh --no-audit          # only the floor and `bianzhi check`
#   Benchmarks/run.sh --static            # bianzhi built with the Swift runtime inside
#                                         # (--static-swift-stdlib, in .build-static/)
#
# Builds bianzhi (release) and the C floor (Benchmarks/bin/bare_parse), generates
# missing data into Benchmarks/data/ (deterministic, see generate.py), then, for each
# size and form, N rounds of (bare parse, check, audit), interleaved so that a drifting
# machine slows all three alike: the best wall time of each, the peak RSS (largest of the
# runs) and the CPU time of the best run, measured with /usr/bin/time; audit / bare parse within
# each round, and its median over the rounds (the host's speed can jump between two runs, so the
# best audit and the best bare parse may come from different rounds); the rule-evaluation time
# alone (the `evaluate X ms` of `audit --timings`, best of the runs); and whether the
# JSON report with `--jobs 1` is byte-identical to the one with the default jobs.
# Prints a Markdown table and a "Targets" table (issue 7's targets, PASS/FAIL) on
# stdout; progress goes to stderr.  Exit 0 whatever the targets (it is a report);
# non-zero only when a command fails unexpectedly.  Kept out of `swift test` on purpose.
# Profiling one run: Benchmarks/profile.sh SIZE [file|folder].
set -euo pipefail
shopt -s inherit_errexit  # a failure inside $(...) stops the function that runs it

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
data="$here/data"
bin="$here/bin"
rules="$root/Rules"
bianzhi="$root/.build/release/bianzhi"
bare="$bin/bare_parse"
timer=/usr/bin/time

say() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 2; }

usage() {  # the comment block at the top of this file
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" >&2
    exit "${1:-2}"
}

# ------------------------------------------------------------------ arguments

sizes=()
forms="file folder"
runs=3
full=0
skip_audit=0
static=0
while [ $# -gt 0 ]; do
    case "$1" in
        --full) full=1 ;;
        --static) static=1 ;;
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

if [ "$static" = 1 ]; then
    # A build directory of its own: switching the flag in .build/ would rebuild everything each time.
    build=(swift build -c release --static-swift-stdlib --scratch-path "$root/.build-static")
    bianzhi="$root/.build-static/release/bianzhi"
else
    build=(swift build -c release)
fi
say "building bianzhi (${build[*]})"
(cd "$root" && "${build[@]}" >&2) || die "${build[*]} failed"
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
    say "generating $size institutions, $form form -> ${out#"$root"/}"
    mkdir -p "$data"
    if [ "$form" = file ]; then
        # generate.py writes the file form through FILE.part and renames it itself.
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

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# best_of [--stderr FILE] OK_CODES CMD... -> "SECONDS RSS_KB CPU_SECONDS": the best wall
# time of $runs runs, the largest peak RSS, and the user+system time of the best run.
# OK_CODES is a space-separated list of accepted exit codes.  With --stderr, the standard
# error of every run is appended to FILE.
best_of() {
    local keep=""
    if [ "$1" = --stderr ]; then keep="$2"; shift 2; fi
    local ok="$1"; shift
    local best="" best_cpu="" rss=0 i code t m u s
    local out="$tmp/time" err="$tmp/stderr"
    for i in $(seq 1 "$runs"); do
        code=0
        "$timer" -f "%e %M %U %S" -o "$out" "$@" > /dev/null 2> "$err" || code=$?
        case " $ok " in
            *" $code "*) ;;
            *) say "command failed (exit $code): $*"; tail -n 20 "$err" >&2; exit 1 ;;
        esac
        [ -z "$keep" ] || cat "$err" >> "$keep"
        read -r t m u s < <(tail -n 1 "$out")
        say "  run $i: ${t}s, $((m / 1024)) MB, cpu $(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')s"
        if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best="$t"
            best_cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
        fi
        [ "$m" -gt "$rss" ] && rss="$m"
    done
    printf '%s %s %s\n' "$best" "$rss" "$best_cpu"
}

# evaluate_ms FILE -> the smallest `evaluate X ms` over the `timings:` lines of FILE
# (one per run), or "-".  Tolerant of other parts being added to the line (`load X ms`,
# ...): takes the number after the word `evaluate`; a unit of s or us is converted.
evaluate_ms() {
    awk '
        /^timings:/ {
            for (i = 1; i < NF; i++) {
                w = $i; sub(/:$/, "", w)
                if (w != "evaluate" || $(i + 1) !~ /^[0-9.]+/) continue
                v = $(i + 1) + 0; unit = (i + 2 <= NF) ? $(i + 2) : "ms"; sub(/[,;)]+$/, "", unit)
                if (unit == "s") v *= 1000; else if (unit == "us" || unit == "µs") v /= 1000
                if (best == "" || v < best) best = v
                break
            }
        }
        END { if (best == "") print "-"; else printf "%.2f\n", best }' "$1"
}

# keep_best BEST NEW -> of two "SECONDS RSS_KB CPU_SECONDS [EVALUATE_MS]" lines, the time and CPU time of the
# faster, the larger RSS and the smaller evaluation time ("-" when unknown); NEW alone when BEST is empty.
keep_best() {
    if [ -z "$1" ]; then printf '%s\n' "$2"; return 0; fi
    awk -v a="$1" -v b="$2" 'BEGIN {
        n = split(a, x, " "); split(b, y, " ")
        f = (y[1] + 0 < x[1] + 0) ? 1 : 0
        s = f ? y[1] : x[1]; c = f ? y[3] : x[3]; k = (y[2] + 0 > x[2] + 0) ? y[2] : x[2]
        line = s " " k " " c
        if (n >= 4) {
            e = x[4]
            if (e == "-" || (y[4] != "-" && y[4] + 0 < e + 0)) e = y[4]
            line = line " " e
        }
        print line
    }'
}

# median VALUE... -> the middle value (the mean of the two middle ones for an even count), "-" for none
median() {
    if [ $# -eq 0 ]; then printf -- '-\n'; return 0; fi
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
        if (NR % 2) printf "%.2f\n", v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# calc EXPR VAR=VALUE... -> EXPR printed with awk, or "-" when any value is "-" or empty
calc() {
    local expr="$1" a; shift
    for a in "$@"; do case "${a#*=}" in -|'') printf -- '-\n'; return 0 ;; esac; done
    local args=()
    for a in "$@"; do args+=(-v "$a"); done
    awk "${args[@]}" "BEGIN { $expr }"
}

# ------------------------------------------------------------------ audit
#
# The probe also requires the help to be the audit command's own ("USAGE: bianzhi audit"):
# ArgumentParser answers `bianzhi UNKNOWN --help` with the top-level help and exit 0.
# audit exits 0 without findings and 1 with violations (the planted data always has some).
have_audit=0
have_jobs=0
if [ "$skip_audit" = 1 ]; then
    say "audit skipped (--no-audit)"
elif audit_help=$("$bianzhi" audit --help 2>&1) && printf '%s\n' "$audit_help" | grep -q 'USAGE: bianzhi audit'; then
    have_audit=1
    if printf '%s\n' "$audit_help" | grep -q -- --jobs; then have_jobs=1; fi
else
    say "bianzhi audit is not available: audit columns skipped"
fi

# measure_audit PATH -> "SECONDS RSS_KB CPU_SECONDS EVALUATE_MS".  The timed runs carry
# --timings themselves (printing the stage times costs nothing measurable), so one set
# of runs gives both the end-to-end time and the rule-evaluation time.
measure_audit() {
    local timings="$tmp/timings" res
    : > "$timings"
    say "bianzhi audit ${1#"$root"/}"
    res=$(best_of --stderr "$timings" "0 1" "$bianzhi" audit "$1" --rules "$rules" --quiet --timings)
    printf '%s %s\n' "$res" "$(evaluate_ms "$timings")"
}

# same_output PATH -> "identical", "different ..." or "skipped (no --jobs)": the JSON
# report with --jobs 1 against the one with the default number of jobs, byte for byte.
same_output() {
    if [ "$have_jobs" != 1 ]; then printf 'skipped (no --jobs)\n'; return 0; fi
    local one="$tmp/jobs1.json" all="$tmp/jobsN.json" c1=0 cn=0
    say "bianzhi audit --format json, --jobs 1 against the default jobs"
    SOURCE_DATE_EPOCH=0 "$bianzhi" audit "$1" --rules "$rules" --format json --quiet --jobs 1 > "$one" || c1=$?
    SOURCE_DATE_EPOCH=0 "$bianzhi" audit "$1" --rules "$rules" --format json --quiet > "$all" || cn=$?
    case "$c1 $cn" in [01]\ [01]) ;; *) die "audit --format json failed (exit $c1 with --jobs 1, $cn without)" ;; esac
    if [ ! -s "$one" ]; then
        printf 'different (empty report)\n'
    elif ! cmp -s "$one" "$all"; then
        printf 'different\n'
    elif [ "$c1" != "$cn" ]; then
        printf 'different (exit %s vs %s)\n' "$c1" "$cn"
    else
        printf 'identical\n'
    fi
    rm -f "$one" "$all"
}

# ------------------------------------------------------------------ run

for size in "${sizes[@]}"; do
    for form in $forms; do generate "$size" "$form"; done
done

cores=$(nproc)

# parallel_capacity FILE -> how many bare parses the machine runs at full speed at once (about
# $cores on real cores; near 1 when the "cores" share one core's time, as on some virtual machines).
# The best of $runs: one parse alone, then $cores parses at once.
parallel_capacity() {
    local alone="" together="" i j t start end
    for i in $(seq 1 "$runs"); do
        start=$(date +%s.%N); "$bare" "$1" > /dev/null 2>&1; end=$(date +%s.%N)
        t=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
        if [ -z "$alone" ] || awk -v a="$t" -v b="$alone" 'BEGIN { exit !(a < b) }'; then alone=$t; fi
        start=$(date +%s.%N)
        for j in $(seq 1 "$cores"); do "$bare" "$1" > /dev/null 2>&1 & done
        wait
        end=$(date +%s.%N)
        t=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
        if [ -z "$together" ] || awk -v a="$t" -v b="$together" 'BEGIN { exit !(a < b) }'; then together=$t; fi
    done
    awk -v n="$cores" -v a="$alone" -v t="$together" 'BEGIN { printf "%.2f", n * a / t }'
}
say "parallel capacity: one bare parse alone, then $cores at once"
capacity=$(parallel_capacity "$(path_for "${sizes[0]}" "$(set -- $forms; printf '%s' "$1")")")
declare -A BYTES BARE_S AUDIT_S AUDIT_KB AUDIT_CPU EVAL_MS SAME PAIRED PAIRED_ALL
rows=()
for size in "${sizes[@]}"; do
    for form in $forms; do
        k="$size:$form"
        path=$(path_for "$size" "$form")
        bytes=$(bytes_of "$path")
        # Rounds of one bare parse, one check and one audit each, so that a machine whose speed drifts
        # (a shared host) slows the floor and bianzhi alike; the best of the rounds for each.
        # Also the ratio audit / bare parse within each round (the two run seconds apart): on a host whose speed
        # jumps from one run to the next, the best audit and the best bare parse may come from different rounds.
        bare_best="" check_best="" audit_best="" paired=()
        for round in $(seq 1 "$runs"); do
            say "size $size, $form form ($bytes bytes), round $round of $runs: bare parse"
            res=$(runs=1 best_of "0" "$bare" "$path"); bare_best=$(keep_best "$bare_best" "$res")
            read -r round_bare _ <<< "$res"
            say "size $size, $form form, round $round: bianzhi check"
            res=$(runs=1 best_of "0" "$bianzhi" check "$path"); check_best=$(keep_best "$check_best" "$res")
            if [ "$have_audit" = 1 ]; then
                res=$(runs=1 measure_audit "$path"); audit_best=$(keep_best "$audit_best" "$res")
                read -r round_audit _ <<< "$res"
                paired+=("$(calc 'printf "%.3f", a / b' a="$round_audit" b="$round_bare")")
            fi
        done
        PAIRED[$k]=$(median "${paired[@]}")
        PAIRED_ALL[$k]=$(IFS=' '; printf '%s' "${paired[*]}")
        read -r bare_s bare_kb _ <<< "$bare_best"
        read -r check_s check_kb _ <<< "$check_best"
        audit_s=- audit_kb=- audit_cpu=- eval_ms=- same=-
        if [ "$have_audit" = 1 ]; then
            read -r audit_s audit_kb audit_cpu eval_ms <<< "$audit_best"
            same=$(same_output "$path")
        fi
        BYTES[$k]=$bytes BARE_S[$k]=$bare_s AUDIT_S[$k]=$audit_s AUDIT_KB[$k]=$audit_kb
        AUDIT_CPU[$k]=$audit_cpu EVAL_MS[$k]=$eval_ms SAME[$k]=$same
        rows+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' \
            "$size" "$form" "$bytes" "$bare_s" "$check_s" "$audit_s" \
            "$(calc 'printf "%.2f", a / b' a="$audit_s" b="$bare_s")" "${PAIRED[$k]}" \
            "$eval_ms" \
            "$(calc 'printf "%.1f", e / (b * 1000) * 100' e="$eval_ms" b="$bare_s")" \
            $((bare_kb / 1024)) $((check_kb / 1024)) \
            "$(calc 'printf "%d", k / 1024' k="$audit_kb")" \
            "$(calc 'printf "%.2f", k * 1024 / n' k="$audit_kb" n="$bytes")" \
            "$(calc 'printf "%.2f", c / w' c="$audit_cpu" w="$audit_s")" \
            "$same")")
    done
done
say "done"

printf '| size | form | bytes | bare parse s | check s | audit s | audit/bare | audit/bare per round (median) | evaluate ms | eval/bare %% | bare RSS MB | check RSS MB | audit RSS MB | audit RSS/bytes | audit cores | --jobs 1 = default |\n'
printf '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n'
printf '%s\n' "${rows[@]}"

# ------------------------------------------------------------------ targets

# verdict MEASURED LIMIT AWK_CONDITION(m, l) -> PASS, FAIL, or n/a when not measured
verdict() {
    case "$1" in -|'') printf 'n/a\n'; return 0 ;; esac
    if awk -v m="$1" -v l="$2" "BEGIN { exit !($3) }"; then printf 'PASS\n'; else printf 'FAIL\n'; fi
}
target() {  # TARGET CASE MEASURED LIMIT RESULT
    printf '| %s | %s | %s | %s | %s |\n' "$@"
}
unit() { case "$1" in -|'') printf -- '-\n' ;; *) printf '%s%s\n' "$1" "$2" ;; esac; }  # VALUE SUFFIX
has_form() { case " $forms " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

printf '\n## Targets\n\n'
printf '%s cores; audits end to end, with the default jobs.\n' "$cores"
printf 'Parallel capacity: %s (%s bare parses at once run as fast as %s alone; %s on %s real cores).\n' \
    "$capacity" "$cores" "$capacity" "$cores" "$cores"
if awk -v c="$capacity" -v n="$cores" 'BEGIN { exit !(c < 0.75 * n) }'; then
    printf 'Warning: this machine does not run %s threads at full speed at once; the targets that need both cores\n' "$cores"
    printf '(folder: cores used, audit < bare parse) cannot be judged here.\n'
fi
printf '\n'
printf '| target | case | measured | limit | result |\n|---|---|---:|---:|---|\n'
if [ "$have_audit" != 1 ]; then
    target "all audit targets" "-" "-" "-" "n/a (no audit)"
else
    largest_folder=""
    for size in "${sizes[@]}"; do
        if has_form file; then
            k="$size:file"
            r=$(calc 'printf "%.2f", a / b' a="${AUDIT_S[$k]}" b="${BARE_S[$k]}")
            target "one file: audit / bare parse (best of each)" "$size file" "$(unit "$r" x)" "≤ 1.5x" "$(verdict "$r" 1.5 'm <= l')"
            p="${PAIRED[$k]}"
            target "one file: audit / bare parse (median of rounds: ${PAIRED_ALL[$k]})" "$size file" "$(unit "$p" x)" "≤ 1.5x" \
                "$(verdict "$p" 1.5 'm <= l')"
        fi
        if has_form folder; then
            k="$size:folder"
            if [ -z "$largest_folder" ] || [ "$size" -gt "$largest_folder" ]; then largest_folder=$size; fi
            # "Both cores used": CPU time / wall time of the whole audit, at least 3/4 of the cores.
            c=$(calc 'printf "%.2f", c / w' c="${AUDIT_CPU[$k]}" w="${AUDIT_S[$k]}")
            l=$(calc 'printf "%.2f", n * 0.75' n="$cores")
            target "folder: cores used (CPU time / wall)" "$size folder" "$c" "≥ $l" "$(verdict "$c" "$l" 'm >= l')"
            target "folder: audit < single-threaded bare parse (best of each)" "$size folder" \
                "${AUDIT_S[$k]} s vs ${BARE_S[$k]} s" "< 1x" "$(verdict "${AUDIT_S[$k]}" "${BARE_S[$k]}" 'm < l')"
            p="${PAIRED[$k]}"
            target "folder: audit / bare parse (median of rounds: ${PAIRED_ALL[$k]})" "$size folder" "$(unit "$p" x)" "< 1x" \
                "$(verdict "$p" 1 'm < l')"
        fi
        for form in $forms; do
            k="$size:$form"
            case "${SAME[$k]}" in
                identical) v=PASS ;;
                different*) v=FAIL ;;
                *) v=n/a ;;
            esac
            target "output, --jobs 1 vs default, byte for byte" "$size $form" "${SAME[$k]}" "identical" "$v"
        done
        for form in $forms; do
            k="$size:$form"
            p=$(calc 'printf "%.1f", e / (b * 1000) * 100' e="${EVAL_MS[$k]}" b="${BARE_S[$k]}")
            target "rule evaluation / bare parse" "$size $form" "$(unit "$p" %)" "< 5%" "$(verdict "$p" 5 'm < l')"
        done
        if has_form file; then
            k="$size:file"
            r=$(calc 'printf "%.2f", k * 1024 / n' k="${AUDIT_KB[$k]}" n="${BYTES[$k]}")
            target "one file: audit peak RSS / file size" "$size file" "$(unit "$r" x)" "< 2x" "$(verdict "$r" 2 'm < l')"
        fi
    done
    if [ -n "$largest_folder" ]; then
        k="$largest_folder:folder"
        mb=$(calc 'printf "%d", k / 1024' k="${AUDIT_KB[$k]}")
        target "folder: audit peak RSS (largest folder)" "$largest_folder folder" "$(unit "$mb" " MB")" "< 256 MB" \
            "$(verdict "${AUDIT_KB[$k]}" $((256 * 1024)) 'm < l')"
    fi
    # (Each size tested on its own: in " 10000 100000 " the two share the space between them.)
    if [[ " ${sizes[*]} " == *" 10000 "* && " ${sizes[*]} " == *" 100000 "* ]]; then
        for form in $forms; do
            r=$(calc 'printf "%.2f", a / b' a="${AUDIT_S[100000:$form]}" b="${AUDIT_S[10000:$form]}")
            target "linear: audit 100,000 / audit 10,000" "$form" "$(unit "$r" x)" "≤ 11x" "$(verdict "$r" 11 'm <= l')"
        done
    else
        target "linear: audit 100,000 / audit 10,000" "-" "not run (needs 10000 and 100000)" "≤ 11x" "n/a"
    fi
fi
