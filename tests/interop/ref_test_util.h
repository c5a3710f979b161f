/* Helpers shared by the ctest/test_ref_*.c programs (header-only, each test is one file).
 *
 * Convention: the reference server's port is the first line of the file named by
 * $RS61850_PORT_FILE (written by tests/interop/refserver.py start). Each check prints
 * one line; the program ends with "N passed, M failed" and exits 0 only if M == 0.
 */
#ifndef RS61850_REF_TEST_UTIL_H
#define RS61850_REF_TEST_UTIL_H

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "iec61850_client.h"

static int rt_passed;
static int rt_failed;
static int rt_lock_fd = -1;

/* Records one check; prints "ok: <what>" or "FAIL: <what>". Returns cond. */
static int rt_check(int cond, const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s: ", cond ? "ok" : "FAIL");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    if (cond)
        rt_passed++;
    else
        rt_failed++;
    return cond;
}

/* Checks an integer result against the expected value. */
#define RT_EQ(actual, expected, what) \
    do { \
        long long rt_a_ = (long long) (actual); \
        long long rt_e_ = (long long) (expected); \
        rt_check(rt_a_ == rt_e_, "%s: got %lld, expected %lld", (what), rt_a_, rt_e_); \
    } while (0)

static void rt_sleep_ms(int ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long) (ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

/* The reference server's port; exits with failure when the port file is unusable.
 * Also takes an exclusive lock on the port file for the life of the process: the
 * tests share one server that accepts at most 5 connections and write the same
 * attributes, so test processes run against it one at a time. */
static int rt_server_port(void)
{
    const char* path = getenv("RS61850_PORT_FILE");
    FILE* f;
    int port = 0;

    if (path == NULL) {
        printf("FAIL: RS61850_PORT_FILE is not set\n0 passed, 1 failed\n");
        exit(1);
    }
    f = fopen(path, "r");
    if (f == NULL || fscanf(f, "%d", &port) != 1 || port <= 0) {
        printf("FAIL: cannot read a port from %s\n0 passed, 1 failed\n", path);
        exit(1);
    }
    fclose(f);
    rt_lock_fd = open(path, O_RDONLY);
    if (rt_lock_fd >= 0)
        flock(rt_lock_fd, LOCK_EX);
    return port;
}

/* Connects and proves the association with a read. The reference server drops about
 * 1 in 100 fresh connections right after the association (observed with the reference
 * client too), so a failed attempt is retried; a real bug fails every attempt. */
static IedClientError rt_connect(IedConnection con, int port)
{
    IedClientError err = IED_ERROR_UNKNOWN;
    int attempt;

    for (attempt = 0; attempt < 3; attempt++) {
        IedConnection_connect(con, &err, "127.0.0.1", port);
        if (err == IED_ERROR_OK) {
            IedConnection_readInt32Value(con, &err, "DEMOMeas/GAPC1.IntIn.stVal", IEC61850_FC_ST);
            if (err == IED_ERROR_OK)
                return err;
        }
        IedConnection_close(con);
        rt_sleep_ms(200);
    }
    return err;
}

/* Prints the summary line; the exit status for main. */
static int rt_summary(void)
{
    printf("%d passed, %d failed\n", rt_passed, rt_failed);
    if (rt_lock_fd >= 0)
        close(rt_lock_fd);
    return rt_failed == 0 && rt_passed > 0 ? 0 : 1;
}

#endif
