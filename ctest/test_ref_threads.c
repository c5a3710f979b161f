/* Library threads end with the last connection: after every IedConnection has been
 * destroyed, /proc/self/task lists only this program's own threads again (observed on the
 * reference libiec61850 1.6.1 client), and a new connection works afterwards. */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>

#include "../tests/interop/ref_test_util.h"

#define INT_REF "DEMOMeas/GAPC1.IntIn.stVal"
#define SEQUENTIAL 20
#define OVERLAPPING 10
#define WINDOW 2 /* connections open at once while overlapping (the server takes 5) */

static atomic_int handler_calls;

static void on_state(void* parameter, IedConnection con, IedConnectionState state)
{
    (void) parameter;
    (void) con;
    (void) state;
    atomic_fetch_add(&handler_calls, 1);
}

static int count_threads(void)
{
    DIR* dir = opendir("/proc/self/task");
    struct dirent* entry;
    int n = 0;

    if (dir == NULL)
        return -1;
    while ((entry = readdir(dir)) != NULL)
        n += entry->d_name[0] != '.';
    closedir(dir);
    return n;
}

/* The thread count once it settled at `want`, or after 1 s: a joined thread may stay
 * listed for a moment while the kernel finishes its exit. */
static int threads_settled(int want)
{
    int waited, n = count_threads();
    for (waited = 0; n != want && waited < 1000; waited += 10) {
        rt_sleep_ms(10);
        n = count_threads();
    }
    return n;
}

/* A connection that is open and has proved it with a read (NULL when it failed). */
static IedConnection open_connection(int port, int with_handler)
{
    IedConnection con = IedConnection_create();
    if (with_handler)
        IedConnection_installStateChangedHandler(con, on_state, NULL);
    if (rt_connect(con, port) != IED_ERROR_OK) {
        IedConnection_destroy(con);
        return NULL;
    }
    return con;
}

static void close_and_destroy(IedConnection con)
{
    IedConnection_close(con);
    IedConnection_destroy(con);
}

int main(void)
{
    int port = rt_server_port();
    int start = count_threads();
    IedConnection window[OVERLAPPING];
    IedConnection con;
    IedClientError err = -1;
    int i, opened, calls;

    rt_check(start > 0, "threads at start: %d", start);

    opened = 0;
    for (i = 0; i < SEQUENTIAL; i++) {
        con = open_connection(port, i % 2);
        if (con != NULL) {
            opened++;
            close_and_destroy(con);
        }
    }
    RT_EQ(opened, SEQUENTIAL, "sequential connections opened");
    RT_EQ(threads_settled(start), start, "threads after sequential create/connect/close/destroy");

    /* A sliding window: the oldest is destroyed while newer ones are still open. */
    opened = 0;
    for (i = 0; i < OVERLAPPING; i++) {
        window[i] = open_connection(port, 1);
        opened += window[i] != NULL;
        if (i >= WINDOW - 1 && window[i - (WINDOW - 1)] != NULL)
            close_and_destroy(window[i - (WINDOW - 1)]);
    }
    for (i = OVERLAPPING - (WINDOW - 1); i < OVERLAPPING; i++) {
        if (window[i] != NULL)
            close_and_destroy(window[i]);
    }
    RT_EQ(opened, OVERLAPPING, "overlapping connections opened");
    RT_EQ(threads_settled(start), start, "threads after overlapping connections");

    calls = atomic_load(&handler_calls);
    rt_check(calls > 0, "state handlers were called (%d calls)", calls);
    rt_sleep_ms(100);
    RT_EQ(atomic_load(&handler_calls), calls, "no handler call after the last destroy");

    /* The threads start again on demand. */
    con = open_connection(port, 1);
    rt_check(con != NULL, "a new connection after the threads ended connects");
    if (con != NULL) {
        RT_EQ(IedConnection_readInt32Value(con, &err, INT_REF, IEC61850_FC_ST), -42, "read on the new connection");
        RT_EQ(err, IED_ERROR_OK, "read on the new connection: error");
        rt_check(count_threads() > start, "the new connection is served by library threads");
        close_and_destroy(con);
    }
    RT_EQ(threads_settled(start), start, "threads after the new connection was destroyed");

    /* Destroyed while connected, without close. */
    con = open_connection(port, 1);
    rt_check(con != NULL, "connect once more");
    if (con != NULL)
        IedConnection_destroy(con);
    RT_EQ(threads_settled(start), start, "threads after destroying an open connection");
    return rt_summary();
}
