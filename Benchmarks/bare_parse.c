/*
 * bare_parse: the floor for snapshot loading.  Runs libyaml's event parser
 * (yaml_parser_parse, yaml_event_delete) over a file, or over every *.yaml /
 * *.yml / *.json file under a folder (recursively, like `bianzhi check`), builds
 * nothing, and prints the number of events.
 *
 *   gcc -O2 -o Benchmarks/bin/bare_parse Benchmarks/bare_parse.c -lyaml
 *   Benchmarks/bin/bare_parse Benchmarks/data/s10000.yaml
 *
 * Exit 0 on success, 1 on a YAML error, 2 on a usage or I/O error.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

static unsigned long long events_total = 0;
static unsigned long long files_total = 0;
static int failed = 0;

static int parse_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 2;
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        fprintf(stderr, "%s: cannot initialise the parser\n", path);
        fclose(f);
        return 2;
    }
    yaml_parser_set_input_file(&parser, f);
    yaml_event_t event;
    int rc = 0;
    for (;;) {
        if (!yaml_parser_parse(&parser, &event)) {
            fprintf(stderr, "%s:%zu:%zu: %s\n", path, parser.problem_mark.line + 1,
                    parser.problem_mark.column + 1, parser.problem ? parser.problem : "YAML error");
            rc = 1;
            break;
        }
        int done = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
        events_total++;
        if (done) break;
    }
    yaml_parser_delete(&parser);
    fclose(f);
    files_total++;
    return rc;
}

static int has_suffix(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw) {
    (void)st;
    (void)ftw;
    if (type == FTW_F && (has_suffix(path, ".yaml") || has_suffix(path, ".yml") || has_suffix(path, ".json"))) {
        int rc = parse_file(path);
        if (rc > failed) failed = rc;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE.yaml|FOLDER\n", argv[0]);
        return 2;
    }
    struct stat st;
    if (stat(argv[1], &st) != 0) {
        perror(argv[1]);
        return 2;
    }
    if (S_ISDIR(st.st_mode)) {
        if (nftw(argv[1], visit, 64, FTW_PHYS) != 0) {
            perror(argv[1]);
            return 2;
        }
    } else {
        failed = parse_file(argv[1]);
    }
    printf("%llu events in %llu files\n", events_total, files_total);
    return failed;
}
