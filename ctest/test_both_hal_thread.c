/* hal_thread.h as libiec61850 programs use it: threads really run, Thread_destroy joins,
 * autodestroy threads free themselves, semaphores block until posted, Thread_sleep sleeps.
 * Runs on our library, on the reference, and linked against the reference on ours.
 * Only the headers a libiec61850 program includes: strcmp/printf come through them. */
#include "hal_thread.h"
#include "hal_time.h"
#include "check.h"

static Semaphore ready, go;
static volatile int counter;

static void* count_and_post(void* parameter)
{
    /* Atomic: the autodestroy threads below count concurrently. */
    __sync_fetch_and_add(&counter, *(int*) parameter);
    Semaphore_post(ready);
    return NULL;
}

/* Waits for `go` first: the reference's Thread_start detaches an autodestroy thread after
 * creating it, and crashes when the thread has already freed itself. */
static void* wait_count_and_post(void* parameter)
{
    Semaphore_wait(go);
    return count_and_post(parameter);
}

static void* sleep_then_mark(void* parameter)
{
    Thread_sleep(50);
    *(volatile int*) parameter = 1;
    return NULL;
}

int main(void)
{
    ready = Semaphore_create(0);
    check(ready != NULL, "Semaphore_create(0)");

    int step = 5;
    Thread t = Thread_create(count_and_post, &step, false);
    check(t != NULL, "Thread_create");
    check(counter == 0, "a created thread does not run before Thread_start");
    Thread_start(t);
    Semaphore_wait(ready);
    check(counter == 5, "the started thread ran with its parameter before posting");
    Thread_destroy(t);

    volatile int marked = 0;
    t = Thread_create(sleep_then_mark, (void*) &marked, false);
    Thread_start(t);
    Thread_destroy(t);
    check(marked == 1, "Thread_destroy waits for the thread to end");

    go = Semaphore_create(0);
    for (int i = 0; i < 20; i++) {
        Thread a = Thread_create(wait_count_and_post, &step, true);
        Thread_start(a);
    }
    Thread_sleep(20);
    check(counter == 5, "threads waiting on a semaphore stay blocked");
    for (int i = 0; i < 20; i++)
        Semaphore_post(go);
    for (int i = 0; i < 20; i++)
        Semaphore_wait(ready);
    check(counter == 105, "20 autodestroy threads each ran once");

    Semaphore two = Semaphore_create(2);
    Semaphore_wait(two);
    Semaphore_wait(two);
    check(1, "a semaphore created with 2 gives two units without blocking");
    Semaphore_post(two);
    Semaphore_wait(two);
    check(1, "a posted unit is taken again");
    Semaphore_destroy(two);

    uint64_t start = Hal_getTimeInMs();
    Thread_sleep(40);
    uint64_t slept = Hal_getTimeInMs() - start;
    check(slept >= 39 && slept < 2000, "Thread_sleep(40) sleeps about 40 ms");

    check(strcmp("hal", "hal") == 0, "string.h comes with the library headers");

    /* (NULL handles: the reference crashes in Thread_destroy(NULL); ours is tested in Rust.) */
    Semaphore_destroy(ready);
    Semaphore_destroy(go);
    /* Let the autodestroy threads finish freeing themselves before the leak check. */
    Thread_sleep(100);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
