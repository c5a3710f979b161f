/* Checks shared by the data API C tests: each prints one line; main ends with
 * "N passed, M failed" and exits 0 only if M == 0. */
#ifndef RS61850_CTEST_CHECK_H
#define RS61850_CTEST_CHECK_H

#include <stdio.h>
#include <string.h>
#include "mms_value.h"

static int passed, failed;

static void check(int ok, const char* what)
{
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    if (ok) passed++; else failed++;
}

/* Whether MmsValue_printToBuffer writes `expected` (printing both when not). */
static inline int prints(const MmsValue* v, const char* expected)
{
    char buf[256];
    MmsValue_printToBuffer(v, buf, sizeof(buf));
    if (strcmp(buf, expected) != 0) {
        printf("  printed '%s', expected '%s'\n", buf, expected);
        return 0;
    }
    return 1;
}

#endif
