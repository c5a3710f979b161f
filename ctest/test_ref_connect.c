/* Connection life cycle against the reference server: states, handlers, release/abort,
 * threadless connections with IedConnection_tick. Expected values were observed on the
 * reference libiec61850 1.6.1 client. */
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "../tests/interop/ref_test_util.h"

#define INT_REF "DEMOMeas/GAPC1.IntIn.stVal"
#define MAX_EVENTS 32
#define EV_CLOSED 100 /* the closed handler, recorded next to the states 0..3 */

static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static int events[MAX_EVENTS];
static int n_events;
static int bad_param;
static int handler_param = 42;

static void record(int ev)
{
    pthread_mutex_lock(&ev_lock);
    if (n_events < MAX_EVENTS)
        events[n_events++] = ev;
    pthread_mutex_unlock(&ev_lock);
}

static void on_state(void* parameter, IedConnection con, IedConnectionState state)
{
    (void) con;
    if (parameter != &handler_param)
        bad_param = 1;
    record((int) state);
}

static void on_closed(void* parameter, IedConnection con)
{
    (void) con;
    if (parameter != &handler_param)
        bad_param = 1;
    record(EV_CLOSED);
}

/* Waits up to 2 s until `last` was recorded (or returns at once for last < 0), then
 * checks and clears the recorded sequence. */
static void expect_events(const char* what, const int* want, int n_want, int last)
{
    int i, same, waited;

    for (waited = 0; last >= 0 && waited < 2000; waited += 10) {
        int seen = 0;
        pthread_mutex_lock(&ev_lock);
        for (i = 0; i < n_events; i++)
            seen |= events[i] == last;
        pthread_mutex_unlock(&ev_lock);
        if (seen)
            break;
        rt_sleep_ms(10);
    }
    pthread_mutex_lock(&ev_lock);
    same = n_events == n_want;
    for (i = 0; same && i < n_want; i++)
        same = events[i] == want[i];
    rt_check(same, "%s: %d handler calls in the observed order", what, n_events);
    n_events = 0;
    pthread_mutex_unlock(&ev_lock);
}

static void install(IedConnection con)
{
    IedConnection_installStateChangedHandler(con, on_state, &handler_param);
    IedConnection_installConnectionClosedHandler(con, on_closed, &handler_param);
}

static int closed_port(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int port;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, (struct sockaddr*) &a, sizeof(a));
    getsockname(s, (struct sockaddr*) &a, &len);
    port = ntohs(a.sin_port);
    close(s);
    return port;
}

static int wait_closed(IedConnection con)
{
    int waited;
    for (waited = 0; waited < 2000 && IedConnection_getState(con) != IED_STATE_CLOSED; waited += 10)
        rt_sleep_ms(10);
    return IedConnection_getState(con);
}

static void test_defaults(void)
{
    IedConnection con = IedConnection_create();
    rt_check(con != NULL, "IedConnection_create");
    RT_EQ(IedConnection_getState(con), IED_STATE_CLOSED, "fresh state");
    RT_EQ(IedConnection_getRequestTimeout(con), 5000, "default request timeout");
    IedConnection_setRequestTimeout(con, 1234);
    RT_EQ(IedConnection_getRequestTimeout(con), 1234, "request timeout read back");
    IedConnection_destroy(con);
}

static void test_never_connected(void)
{
    IedConnection con = IedConnection_create();
    IedClientError err = -1;
    MmsValue* v;
    char* s;

    RT_EQ(IedConnection_readInt32Value(con, &err, INT_REF, IEC61850_FC_ST), 0, "read on new: value");
    RT_EQ(err, IED_ERROR_CONNECTION_LOST, "read on new connection");
    err = -1;
    v = IedConnection_readObject(con, &err, INT_REF, IEC61850_FC_ST);
    rt_check(v == NULL, "readObject on new connection returns NULL");
    RT_EQ(err, IED_ERROR_CONNECTION_LOST, "readObject on new connection");
    err = -1;
    s = IedConnection_readStringValue(con, &err, "DEMOMeas/GAPC1.StrIn.stVal", IEC61850_FC_ST);
    rt_check(s == NULL, "readStringValue on new connection returns NULL");
    RT_EQ(err, IED_ERROR_CONNECTION_LOST, "readStringValue on new connection");
    err = -1;
    IedConnection_writeInt32Value(con, &err, "DEMOMeas/GAPC1.SetI32.setVal", IEC61850_FC_SP, 5);
    RT_EQ(err, IED_ERROR_CONNECTION_LOST, "write on new connection");
    err = -1;
    IedConnection_abort(con, &err);
    RT_EQ(err, IED_ERROR_NOT_CONNECTED, "abort on new connection");
    err = -1;
    IedConnection_release(con, &err);
    RT_EQ(err, IED_ERROR_NOT_CONNECTED, "release on new connection");
    RT_EQ(IedConnection_getState(con), IED_STATE_CLOSED, "state still closed");
    IedConnection_destroy(con);
}

static void test_rejected(void)
{
    static const int want[] = { IED_STATE_CONNECTING, IED_STATE_CLOSING, IED_STATE_CLOSED, EV_CLOSED };
    IedConnection con = IedConnection_create();
    IedClientError err = -1;

    install(con);
    IedConnection_connect(con, &err, "127.0.0.1", closed_port());
    RT_EQ(err, IED_ERROR_CONNECTION_REJECTED, "connect to a closed port");
    RT_EQ(IedConnection_getState(con), IED_STATE_CLOSED, "state after rejected connect");
    expect_events("rejected connect", want, 4, -1);
    IedConnection_destroy(con);
}

static void test_connect_close(int port)
{
    static const int want_open[] = { IED_STATE_CONNECTING, IED_STATE_CONNECTED };
    static const int want_close[] = { IED_STATE_CLOSING, IED_STATE_CLOSED, EV_CLOSED };
    IedConnection con = IedConnection_create();
    IedClientError err = -1;

    install(con);
    RT_EQ(rt_connect(con, port), IED_ERROR_OK, "connect");
    RT_EQ(IedConnection_getState(con), IED_STATE_CONNECTED, "state after connect");
    /* rt_connect may have retried: keep only the last attempt's two events */
    pthread_mutex_lock(&ev_lock);
    if (n_events >= 2) {
        events[0] = events[n_events - 2];
        events[1] = events[n_events - 1];
        n_events = 2;
    }
    pthread_mutex_unlock(&ev_lock);
    expect_events("connect", want_open, 2, -1);
    IedConnection_connect(con, &err, "127.0.0.1", port);
    RT_EQ(err, IED_ERROR_ALREADY_CONNECTED, "second connect");
    RT_EQ(IedConnection_getState(con), IED_STATE_CONNECTED, "still connected");
    IedConnection_close(con);
    RT_EQ(IedConnection_getState(con), IED_STATE_CLOSED, "state after close");
    expect_events("close", want_close, 3, -1);
    rt_check(!bad_param, "handlers get their parameter");
    IedConnection_close(con);
    expect_events("second close", NULL, 0, -1);
    err = -1;
    IedConnection_readInt32Value(con, &err, INT_REF, IEC61850_FC_ST);
    RT_EQ(err, IED_ERROR_CONNECTION_LOST, "read after close");
    err = -1;
    IedConnection_release(con, &err);
    RT_EQ(err, IED_ERROR_NOT_CONNECTED, "release after close");
    err = -1;
    IedConnection_abort(con, &err);
    RT_EQ(err, IED_ERROR_NOT_CONNECTED, "abort after close");
    IedConnection_destroy(con);
}

static void test_release_abort(int port)
{
    static const int want_abort[] = { IED_STATE_CLOSING, IED_STATE_CLOSED, EV_CLOSED };
    IedConnection con = IedConnection_create();
    IedClientError err = -1;
    int closed_calls, i;

    install(con);
    RT_EQ(rt_connect(con, port), IED_ERROR_OK, "connect for release");
    pthread_mutex_lock(&ev_lock);
    n_events = 0;
    pthread_mutex_unlock(&ev_lock);
    IedConnection_release(con, &err);
    RT_EQ(err, IED_ERROR_OK, "release");
    /* observed: CLOSED and the closed handler may come after release returns */
    RT_EQ(wait_closed(con), IED_STATE_CLOSED, "state after release");
    for (i = 0; i < 200; i++) {
        pthread_mutex_lock(&ev_lock);
        closed_calls = n_events > 0 && events[n_events - 1] == EV_CLOSED;
        pthread_mutex_unlock(&ev_lock);
        if (closed_calls)
            break;
        rt_sleep_ms(10);
    }
    pthread_mutex_lock(&ev_lock);
    closed_calls = 0;
    for (i = 0; i < n_events; i++)
        closed_calls += events[i] == EV_CLOSED;
    rt_check(n_events >= 2 && events[n_events - 2] == IED_STATE_CLOSED
             && events[n_events - 1] == EV_CLOSED && closed_calls == 1,
             "release ends with CLOSED then one closed-handler call");
    n_events = 0;
    pthread_mutex_unlock(&ev_lock);
    err = -1;
    IedConnection_release(con, &err);
    RT_EQ(err, IED_ERROR_NOT_CONNECTED, "second release");
    rt_sleep_ms(200); /* the reference server frees its side of the old connection asynchronously */

    RT_EQ(rt_connect(con, port), IED_ERROR_OK, "reconnect after release");
    pthread_mutex_lock(&ev_lock);
    n_events = 0;
    pthread_mutex_unlock(&ev_lock);
    err = -1;
    IedConnection_abort(con, &err);
    RT_EQ(err, IED_ERROR_OK, "abort");
    RT_EQ(IedConnection_getState(con), IED_STATE_CLOSED, "state after abort");
    expect_events("abort", want_abort, 3, -1);
    err = -1;
    IedConnection_abort(con, &err);
    RT_EQ(err, IED_ERROR_NOT_CONNECTED, "second abort");
    err = -1;
    IedConnection_readInt32Value(con, &err, INT_REF, IEC61850_FC_ST);
    RT_EQ(err, IED_ERROR_CONNECTION_LOST, "read after abort");
    rt_sleep_ms(200);
    RT_EQ(rt_connect(con, port), IED_ERROR_OK, "reconnect after abort");
    err = -1;
    RT_EQ(IedConnection_readInt32Value(con, &err, INT_REF, IEC61850_FC_ST), -42, "read after reconnect");
    RT_EQ(err, IED_ERROR_OK, "read after reconnect: error");
    IedConnection_destroy(con); /* destroy while connected, without close */
}

static void test_options(int port)
{
    IedConnection con = IedConnection_create();
    IedClientError err = -1;

    IedConnection_setConnectTimeout(con, 2000);
    IedConnection_setMaxOutstandingCalls(con, 2, 2);
    IedConnection_setLocalAddress(con, "127.0.0.1", 0);
    RT_EQ(rt_connect(con, port), IED_ERROR_OK, "connect with options set");
    RT_EQ(IedConnection_readInt32Value(con, &err, INT_REF, IEC61850_FC_ST), -42, "read with options set");
    IedConnection_close(con);
    IedConnection_destroy(con);

    con = IedConnection_create();
    err = -1;
    IedConnection_connect(con, &err, "localhost", port);
    RT_EQ(err, IED_ERROR_OK, "connect to localhost by name");
    IedConnection_destroy(con);
}

static atomic_int ticker_stop;

static void* ticker(void* arg)
{
    IedConnection con = (IedConnection) arg;
    while (!atomic_load(&ticker_stop)) {
        IedConnection_tick(con);
        rt_sleep_ms(1);
    }
    return NULL;
}

static void test_threadless(int port)
{
    IedConnection con = IedConnection_createEx(NULL, false);
    IedClientError err = -1;
    pthread_t t;

    rt_check(con != NULL, "createEx(NULL, false)");
    /* observed: tick returns true when there was nothing to do */
    rt_check(IedConnection_tick(con), "tick on an idle connection returns true");
    /* without threads the blocking calls need another thread to tick */
    atomic_store(&ticker_stop, 0);
    pthread_create(&t, NULL, ticker, con);
    RT_EQ(rt_connect(con, port), IED_ERROR_OK, "threadless connect");
    RT_EQ(IedConnection_getState(con), IED_STATE_CONNECTED, "threadless state");
    RT_EQ(IedConnection_readInt32Value(con, &err, INT_REF, IEC61850_FC_ST), -42, "threadless read");
    RT_EQ(err, IED_ERROR_OK, "threadless read: error");
    err = -1;
    IedConnection_release(con, &err);
    RT_EQ(err, IED_ERROR_OK, "threadless release");
    RT_EQ(wait_closed(con), IED_STATE_CLOSED, "threadless state after release");
    atomic_store(&ticker_stop, 1);
    pthread_join(t, NULL);
    IedConnection_destroy(con);

    con = IedConnection_createEx(NULL, true);
    RT_EQ(rt_connect(con, port), IED_ERROR_OK, "createEx(NULL, true) connect");
    rt_check(IedConnection_tick(con), "tick on a threaded connection returns true");
    IedConnection_close(con);
    IedConnection_destroy(con);
}

int main(void)
{
    int port = rt_server_port();

    test_defaults();
    test_never_connected();
    test_rejected();
    test_connect_close(port);
    test_release_abort(port);
    test_options(port);
    test_threadless(port);
    return rt_summary();
}
