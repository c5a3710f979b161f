/*
 * rs61850 benchmark: one measurement per invocation, written against the
 * libiec61850 1.6.1 client API only, so the same binary runs on our library or
 * on the reference one (chosen with LD_LIBRARY_PATH). Prints "key value" lines;
 * bench/run.py runs it on both libraries in alternation and compares.
 *
 *   bench echo ITER                     loopback TCP round trip (the floor)
 *   bench connect PORT ITER             connect + associate + release
 *   bench read PORT ITER                synchronous readFloatValue
 *   bench pipeline PORT TOTAL WINDOW [tick]
 *                                       readObjectAsync with WINDOW outstanding
 *                                       (tick: no library threads, IedConnection_tick)
 *   bench discovery PORT                model + directory walk of every LN and DO
 *   bench reports PORT COUNT RCBREF RPTID
 *                                       reports received through a report handler
 *   bench conns PORT N                  N concurrent associations: threads, RSS, time
 *   bench file PORT NAME SIZE ITER      getFile of a SIZE-byte file: median MB/s
 *   bench parse FILE ITER               ConfigFileParser_createModelFromConfigFileEx +
 *                                       IedModel_destroy: median ms
 *   bench serverconns PORT N PID        up to N concurrent associations to the server
 *                                       process PID: its threads and RSS, idle and loaded
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "iec61850_client.h"
#include "iec61850_config_file_parser.h"
#include "iec61850_dynamic_model.h"

#define FLOAT_REF "DEMOMeas/MMXU1.TotW.mag.f"
#define HOST "127.0.0.1"
/* The reference server drops about 1% of new connections. */
#define CONNECT_ATTEMPTS 5

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, int code)
{
    fprintf(stderr, "bench: %s failed (%d)\n", what, code);
    exit(1);
}

/* CPU seconds (user + system) of every thread of the process so far. */
static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts `v` and returns its q-quantile (nearest rank). */
static double quantile(double *v, int n, double q)
{
    qsort(v, (size_t)n, sizeof(double), cmp_double);
    int i = (int)(q * (double)(n - 1) + 0.5);
    return v[i];
}

/* Connects (with up to `calls` outstanding calls when > 0); with `verify`, reads
 * the float once, because the reference client sometimes reports a connection
 * that the server dropped as established. */
static IedConnection connect_ex(int port, int calls, bool verify, bool threads)
{
    IedClientError err = IED_ERROR_OK;
    for (int attempt = 0; attempt < CONNECT_ATTEMPTS; attempt++) {
        IedConnection con = IedConnection_createEx(NULL, threads);
        if (calls > 0)
            IedConnection_setMaxOutstandingCalls(con, calls, calls);
        IedConnection_connect(con, &err, HOST, port);
        if (err == IED_ERROR_OK && verify)
            IedConnection_readFloatValue(con, &err, FLOAT_REF, IEC61850_FC_MX);
        if (err == IED_ERROR_OK)
            return con;
        IedConnection_destroy(con);
        usleep(20000);
    }
    die("IedConnection_connect", err);
    return NULL;
}

static IedConnection connect_to(int port)
{
    return connect_ex(port, 0, false, true);
}

static void disconnect(IedConnection con)
{
    IedClientError err;
    IedConnection_release(con, &err);
    IedConnection_destroy(con);
}

/* ---- loopback TCP echo ------------------------------------------------- */

static void *echo_server(void *arg)
{
    int listener = *(int *)arg;
    int s = accept(listener, NULL, NULL);
    int one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char buf[64];
    ssize_t n;
    while ((n = read(s, buf, sizeof buf)) > 0)
        if (write(s, buf, (size_t)n) != n)
            break;
    close(s);
    return NULL;
}

static void bench_echo(int iter)
{
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(listener, (struct sockaddr *)&addr, len) || listen(listener, 1) ||
        getsockname(listener, (struct sockaddr *)&addr, &len))
        die("echo listen", errno);
    pthread_t thread;
    pthread_create(&thread, NULL, echo_server, &listener);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(s, (struct sockaddr *)&addr, len))
        die("echo connect", errno);
    int one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    double *rtt = malloc(sizeof(double) * (size_t)iter);
    /* About the size of a small MMS read request. */
    char msg[40] = {0}, back[40];
    for (int i = 0; i < iter; i++) {
        double t0 = now_s();
        if (write(s, msg, sizeof msg) != sizeof msg)
            die("echo write", errno);
        size_t got = 0;
        while (got < sizeof back) {
            ssize_t n = read(s, back + got, sizeof back - got);
            if (n <= 0)
                die("echo read", errno);
            got += (size_t)n;
        }
        rtt[i] = now_s() - t0;
    }
    close(s);
    pthread_join(thread, NULL);
    close(listener);
    printf("echo_rtt_p50_us %.2f\n", quantile(rtt, iter, 0.5) * 1e6);
    free(rtt);
}

/* ---- connect / associate / release -------------------------------------- */

static void bench_connect(int port, int iter)
{
    double *t = malloc(sizeof(double) * (size_t)iter);
    int done = 0;
    for (int tries = 0; done < iter && tries < iter * 2; tries++) {
        IedConnection con = IedConnection_create();
        IedClientError err;
        double t0 = now_s();
        IedConnection_connect(con, &err, HOST, port);
        if (err != IED_ERROR_OK) {
            /* A connection the reference server dropped is not a sample. */
            IedConnection_destroy(con);
            usleep(20000);
            continue;
        }
        IedConnection_release(con, &err);
        double dt = now_s() - t0;
        IedConnection_destroy(con);
        if (err == IED_ERROR_OK)
            t[done++] = dt;
        /* The reference server frees a closed connection's slot only on its next
         * 10 ms poll: without this pause, a connect waits for that poll. */
        usleep(20000);
    }
    if (done == 0)
        die("connect", -1);
    printf("connect_release_ms %.3f\n", quantile(t, done, 0.5) * 1e3);
    free(t);
}

/* ---- synchronous read ---------------------------------------------------- */

static void bench_read(int port, int iter)
{
    IedConnection con = connect_ex(port, 0, true, true);
    IedClientError err;
    double *t = malloc(sizeof(double) * (size_t)iter);
    /* Warm-up: first-use allocations and page faults are not the steady state. */
    for (int i = 0; i < 50; i++)
        IedConnection_readFloatValue(con, &err, FLOAT_REF, IEC61850_FC_MX);
    double cpu0 = cpu_s();
    for (int i = 0; i < iter; i++) {
        double t0 = now_s();
        float f = IedConnection_readFloatValue(con, &err, FLOAT_REF, IEC61850_FC_MX);
        t[i] = now_s() - t0;
        if (err != IED_ERROR_OK || f == 0.0f)
            die("readFloatValue", err);
    }
    double cpu = cpu_s() - cpu0;
    disconnect(con);
    printf("read_p50_us %.2f\n", quantile(t, iter, 0.5) * 1e6);
    printf("read_cpu_us %.2f\n", cpu / iter * 1e6);
    printf("read_p99_us %.2f\n", quantile(t, iter, 0.99) * 1e6);
    free(t);
}

/* ---- pipelined asynchronous reads --------------------------------------- */

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int outstanding;
    int completed;
    int failed;
} pipe_state = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0};

static void on_read(uint32_t invoke_id, void *parameter, IedClientError err, MmsValue *value)
{
    (void)invoke_id;
    (void)parameter;
    if (value)
        MmsValue_delete(value);
    pthread_mutex_lock(&pipe_state.lock);
    pipe_state.outstanding--;
    pipe_state.completed++;
    if (err != IED_ERROR_OK)
        pipe_state.failed++;
    pthread_cond_signal(&pipe_state.cond);
    pthread_mutex_unlock(&pipe_state.lock);
}

/* Waits for completions, pipe_state.lock held: on the condition variable, or in
 * tick mode by running IedConnection_tick (which calls the handlers). */
static void await_completion(IedConnection con, bool tick)
{
    if (tick) {
        pthread_mutex_unlock(&pipe_state.lock);
        IedConnection_tick(con);
        pthread_mutex_lock(&pipe_state.lock);
    } else {
        pthread_cond_wait(&pipe_state.cond, &pipe_state.lock);
    }
}

/* With `tick`, the connection has no threads: this thread submits and runs
 * IedConnection_tick, which calls the handlers, in one loop. */
static void bench_pipeline(int port, int total, int window, bool tick)
{
    IedConnection con = connect_ex(port, window, !tick, !tick);
    IedClientError err;
    int submitted = 0, rejected = 0;
    double t0 = now_s(), cpu0 = cpu_s();
    while (submitted < total) {
        pthread_mutex_lock(&pipe_state.lock);
        while (pipe_state.outstanding >= window)
            await_completion(con, tick);
        pipe_state.outstanding++;
        pthread_mutex_unlock(&pipe_state.lock);
        IedConnection_readObjectAsync(con, &err, FLOAT_REF, IEC61850_FC_MX, on_read, NULL);
        if (err != IED_ERROR_OK) {
            /* Over the negotiated outstanding limit: wait for a completion. */
            pthread_mutex_lock(&pipe_state.lock);
            pipe_state.outstanding--;
            if (tick || pipe_state.outstanding > 0)
                await_completion(con, tick);
            pthread_mutex_unlock(&pipe_state.lock);
            if (++rejected > total)
                die("readObjectAsync", err);
            continue;
        }
        submitted++;
    }
    pthread_mutex_lock(&pipe_state.lock);
    while (pipe_state.completed < total)
        await_completion(con, tick);
    pthread_mutex_unlock(&pipe_state.lock);
    double dt = now_s() - t0, cpu = cpu_s() - cpu0;
    disconnect(con);
    if (pipe_state.failed)
        die("async read results", pipe_state.failed);
    const char *mode = tick ? "tick_" : "";
    printf("pipelined_%sreads_per_s %.0f\n", mode, total / dt);
    printf("pipelined_%scpu_us %.2f\n", mode, cpu / total * 1e6);
    printf("pipelined_%srejected %d\n", mode, rejected);
}

/* ---- discovery ----------------------------------------------------------- */

static void bench_discovery(int port)
{
    IedConnection con = NULL;
    IedClientError err = IED_ERROR_OK;
    long data_objects = 0, data_items = 0;
    double t0 = 0;
    /* A connection the reference server dropped fails its first request: retry. */
    for (int attempt = 0; attempt < CONNECT_ATTEMPTS; attempt++) {
        con = connect_to(port);
        t0 = now_s();
        IedConnection_getDeviceModelFromServer(con, &err);
        if (err != IED_ERROR_CONNECTION_LOST)
            break;
        IedConnection_destroy(con);
    }
    if (err != IED_ERROR_OK)
        die("getDeviceModelFromServer", err);
    double t_model = now_s() - t0;
    LinkedList lds = IedConnection_getLogicalDeviceList(con, &err);
    if (err != IED_ERROR_OK)
        die("getLogicalDeviceList", err);
    char ref[256];
    for (LinkedList ld = LinkedList_getNext(lds); ld; ld = LinkedList_getNext(ld)) {
        const char *ld_name = (const char *)ld->data;
        LinkedList lns = IedConnection_getLogicalDeviceDirectory(con, &err, ld_name);
        if (err != IED_ERROR_OK)
            die("getLogicalDeviceDirectory", err);
        for (LinkedList ln = LinkedList_getNext(lns); ln; ln = LinkedList_getNext(ln)) {
            snprintf(ref, sizeof ref, "%s/%s", ld_name, (const char *)ln->data);
            LinkedList dos =
                IedConnection_getLogicalNodeDirectory(con, &err, ref, ACSI_CLASS_DATA_OBJECT);
            if (err != IED_ERROR_OK)
                die("getLogicalNodeDirectory", err);
            for (LinkedList d = LinkedList_getNext(dos); d; d = LinkedList_getNext(d)) {
                char doref[300];
                snprintf(doref, sizeof doref, "%s.%s", ref, (const char *)d->data);
                LinkedList items = IedConnection_getDataDirectory(con, &err, doref);
                if (err != IED_ERROR_OK)
                    die("getDataDirectory", err);
                data_objects++;
                data_items += LinkedList_size(items);
                LinkedList_destroy(items);
            }
            LinkedList_destroy(dos);
        }
        LinkedList_destroy(lns);
    }
    LinkedList_destroy(lds);
    double dt = now_s() - t0;
    disconnect(con);
    printf("discovery_s %.4f\n", dt);
    printf("discovery_model_s %.4f\n", t_model);
    printf("discovery_data_objects %ld\n", data_objects);
    printf("discovery_data_items %ld\n", data_items);
}

/* ---- reports -------------------------------------------------------------- */

typedef void (*InstallReportHandler)(IedConnection, const char *, const char *,
                                     void (*)(void *, ClientReport), void *);

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int received;
    int undecoded;
    double first;
    double last;
} report_state = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0};

typedef MmsValue *(*GetDataSetValues)(ClientReport);
static GetDataSetValues get_data_set_values;

static void on_report(void *parameter, ClientReport report)
{
    (void)parameter;
    /* Touch the decoded values, as an application would. */
    MmsValue *values = get_data_set_values(report);
    bool decoded = values && MmsValue_getElement(values, 0);
    double t = now_s();
    pthread_mutex_lock(&report_state.lock);
    if (!decoded)
        report_state.undecoded++;
    if (report_state.received++ == 0)
        report_state.first = t;
    report_state.last = t;
    pthread_cond_signal(&report_state.cond);
    pthread_mutex_unlock(&report_state.lock);
}

/* The fake server (bench/fakeserver.py) sends COUNT copies of a recorded report
 * 0.3 s after the association, long after the handler is installed. */
static void bench_reports(int port, int count, const char *rcb_ref, const char *rpt_id)
{
    /* Looked up at run time: the same binary must run where reporting is missing. */
    InstallReportHandler install =
        (InstallReportHandler)dlsym(RTLD_DEFAULT, "IedConnection_installReportHandler");
    get_data_set_values =
        (GetDataSetValues)dlsym(RTLD_DEFAULT, "ClientReport_getDataSetValues");
    if (!install || !get_data_set_values) {
        printf("reports_per_s n/a\n");
        return;
    }
    IedConnection con = connect_to(port);
    install(con, rcb_ref, rpt_id, on_report, NULL);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 60;
    pthread_mutex_lock(&report_state.lock);
    while (report_state.received < count &&
           pthread_cond_timedwait(&report_state.cond, &report_state.lock, &deadline) == 0)
        ;
    int received = report_state.received;
    double dt = report_state.last - report_state.first;
    pthread_mutex_unlock(&report_state.lock);
    IedConnection_close(con);
    IedConnection_destroy(con);
    if (received < count)
        die("reports received", received);
    if (report_state.undecoded)
        die("report data set values", report_state.undecoded);
    printf("reports_per_s %.0f\n", dt > 0 ? (count - 1) / dt : 0.0);
}

/* ---- concurrent connections ---------------------------------------------- */

static long count_threads(void)
{
    DIR *dir = opendir("/proc/self/task");
    long n = 0;
    for (struct dirent *e; (e = readdir(dir));)
        if (e->d_name[0] != '.')
            n++;
    closedir(dir);
    return n;
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

static void bench_conns(int port, int n)
{
    long rss_before = rss_kb();
    IedConnection *cons = calloc((size_t)n, sizeof *cons);
    double t0 = now_s();
    for (int i = 0; i < n; i++)
        cons[i] = connect_to(port);
    double dt = now_s() - t0;
    long threads = count_threads();
    long rss = rss_kb();
    for (int i = 0; i < n; i++) {
        if (IedConnection_getState(cons[i]) != IED_STATE_CONNECTED)
            die("connection state", i);
    }
    printf("conns_connect_s %.4f\n", dt);
    printf("conns_threads %ld\n", threads);
    printf("conns_rss_kb %ld\n", rss);
    printf("conns_rss_before_kb %ld\n", rss_before);
    /* The reference's destroy takes 10 ms per connection: past a hundred, leave the
     * clean-up to the process exit, which ends the connections just as well. */
    if (n > 100)
        _exit(0);
    for (int i = 0; i < n; i++) {
        IedConnection_close(cons[i]);
        IedConnection_destroy(cons[i]);
    }
    free(cons);
}

/* ---- a server process under N clients ------------------------------------ */

static long proc_threads(const char *pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%s/task", pid);
    DIR *dir = opendir(path);
    if (!dir)
        die("opendir /proc/PID/task", errno);
    long n = 0;
    for (struct dirent *e; (e = readdir(dir));)
        if (e->d_name[0] != '.')
            n++;
    closedir(dir);
    return n;
}

static long proc_rss_kb(const char *pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%s/status", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        die("fopen /proc/PID/status", errno);
    long kb = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

/* Opens up to `n` associations one after another (a refused one is tried once more, as
 * the reference server drops about 1% of new connections; a second refusal ends the
 * series: the server is full) and reports the server process's threads and RSS before
 * and with them. */
static void bench_server_conns(int port, int n, const char *pid)
{
    long idle_threads = proc_threads(pid), idle_rss = proc_rss_kb(pid);
    IedConnection *cons = calloc((size_t)n, sizeof *cons);
    int held = 0;
    double t0 = now_s();
    while (held < n) {
        IedConnection con = NULL;
        for (int attempt = 0; attempt < 2 && !con; attempt++) {
            IedClientError err;
            con = IedConnection_create();
            IedConnection_setConnectTimeout(con, 2000);
            IedConnection_setRequestTimeout(con, 2000);
            IedConnection_connect(con, &err, HOST, port);
            if (err != IED_ERROR_OK) {
                IedConnection_destroy(con);
                con = NULL;
                usleep(20000);
            }
        }
        if (!con)
            break;
        cons[held++] = con;
    }
    double dt = now_s() - t0;
    /* Give a thread-per-connection server time to settle. */
    usleep(100000);
    printf("server_idle_threads %ld\n", idle_threads);
    printf("server_idle_rss_kb %ld\n", idle_rss);
    printf("server_conns_held %d\n", held);
    printf("server_conns_connect_s %.4f\n", dt);
    printf("server_conns_threads %ld\n", proc_threads(pid));
    printf("server_conns_rss_kb %ld\n", proc_rss_kb(pid));
    /* As bench_conns: the process exit ends the connections. */
    _exit(0);
}

/* ---- file download ---------------------------------------------------------- */

static bool on_file_data(void *parameter, uint8_t *buffer, uint32_t bytes)
{
    (void) buffer;
    *(uint64_t *) parameter += bytes;
    return true;
}

/* Downloads `name` (of `size` bytes) `iter` times with IedConnection_getFile; prints the
 * median throughput in MB/s (10^6 bytes). */
static void bench_file(int port, const char *name, long size, int iter)
{
    /* Verified: the demo model served there has FLOAT_REF. */
    IedConnection con = connect_ex(port, 0, true, true);
    double *rate = malloc(sizeof(double) * (size_t)iter);
    for (int i = 0; i < iter; i++) {
        uint64_t received = 0;
        IedClientError err;
        double t0 = now_s();
        IedConnection_getFile(con, &err, name, on_file_data, &received);
        double dt = now_s() - t0;
        if (err != IED_ERROR_OK || received != (uint64_t) size)
            die("getFile", err);
        rate[i] = (double) size / dt / 1e6;
    }
    printf("file_mb_per_s %.2f\n", quantile(rate, iter, 0.5));
    free(rate);
    disconnect(con);
}

/* ---- config file parser ---------------------------------------------------- */

/* Loads the model file `path` `iter` times and destroys it; prints the median in ms. */
static void bench_parse(const char *path, int iter)
{
    double *ms = malloc(sizeof(double) * (size_t) iter);
    for (int i = 0; i < iter; i++) {
        double t0 = now_s();
        IedModel *model = ConfigFileParser_createModelFromConfigFileEx(path);
        if (model == NULL)
            die("ConfigFileParser_createModelFromConfigFileEx", 0);
        IedModel_destroy(model);
        ms[i] = (now_s() - t0) * 1e3;
    }
    printf("parse_ms %.3f\n", quantile(ms, iter, 0.5));
    free(ms);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: see the comment at the top of bench/bench.c\n");
        return 2;
    }
    const char *cmd = argv[1];
    int a = atoi(argv[2]);
    int b = argc > 3 ? atoi(argv[3]) : 0;
    int c = argc > 4 ? atoi(argv[4]) : 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!strcmp(cmd, "echo"))
        bench_echo(a);
    else if (!strcmp(cmd, "connect") && argc == 4)
        bench_connect(a, b);
    else if (!strcmp(cmd, "read") && argc == 4)
        bench_read(a, b);
    else if (!strcmp(cmd, "pipeline") && (argc == 5 || (argc == 6 && !strcmp(argv[5], "tick"))))
        bench_pipeline(a, b, c, argc == 6);
    else if (!strcmp(cmd, "discovery"))
        bench_discovery(a);
    else if (!strcmp(cmd, "reports") && argc == 6)
        bench_reports(a, b, argv[4], argv[5]);
    else if (!strcmp(cmd, "conns") && argc == 4)
        bench_conns(a, b);
    else if (!strcmp(cmd, "parse") && argc == 4)
        bench_parse(argv[2], b);
    else if (!strcmp(cmd, "serverconns") && argc == 5)
        bench_server_conns(a, b, argv[4]);
    else if (!strcmp(cmd, "file") && argc == 6)
        bench_file(a, argv[3], atol(argv[4]), atoi(argv[5]));
    else {
        fprintf(stderr, "bench: bad arguments\n");
        return 2;
    }
    return 0;
}
