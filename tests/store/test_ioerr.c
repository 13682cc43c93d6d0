/*
 * test_ioerr.c - an I/O error under a group: in a child process whose
 * files may not grow past their size (RLIMIT_FSIZE, SIGXFSZ ignored: the
 * kernel refuses the WAL's next write with EFBIG, or writes part of it),
 * a batch fails with LN_EIO (or LN_ESTORE_FULL for a short write),
 * nothing of it is stored (the file read with plain SQL afterwards), the
 * store still reads, and once the limit is lifted the same batch is
 * stored whole.
 */
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "store_test.h"

#define N 3000

static int child(const char *path)
{
    ln_store *st;
    ln_diag d;
    if (ln_store_open(path, &st, &d))
        return 10;
    static ln_st_report r[N];
    static uint8_t nw[N];
    ln_st_report one = rep("UT0", "ACC-1", 0, 1665273600.0, 1);
    if (ln_store_ingest(st, &one, 1, nw) || !nw[0])
        return 11;
    char wal[400];
    snprintf(wal, sizeof wal, "%s-wal", path);
    struct stat sb;
    if (stat(wal, &sb) || stat(path, &sb))
        return 12;
    off_t big = 0;
    if (!stat(wal, &sb))
        big = sb.st_size;
    if (!stat(path, &sb) && sb.st_size > big)
        big = sb.st_size;
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit lim, old;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = (rlim_t)big + 4096;
    if (setrlimit(RLIMIT_FSIZE, &lim))
        return 13;
    for (int i = 0; i < N; i++) {
        char id[16];
        snprintf(id, sizeof id, "UT%d", i + 1);
        r[i] = rep(id, "ACC-1", 1, 1665273600.0 + i, 100);
    }
    int rc = ln_store_ingest(st, r, N, nw);
    if (rc != LN_EIO && rc != LN_ESTORE_FULL)
        return 14;
    for (int i = 0; i < N; i++)
        if (nw[i])
            return 15;
    ln_st_account a;
    if (ln_store_get_account(st, "none", &a) != LN_ENOTFOUND)
        return 16;
    int64_t pos;
    if (ln_store_get_cursor(st, 1, &pos))
        return 17;
    setrlimit(RLIMIT_FSIZE, &old);
    if (ln_store_ingest(st, r, N, nw))
        return 18;
    for (int i = 0; i < N; i++)
        if (!nw[i])
            return 19;
    ln_store_close(st);
    return 0;
}

static void test_io_error(void **state)
{
    (void)state;
    tdb t;
    tdb_open(&t);
    ln_store_close(t.st);
    t.st = NULL;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child(t.path));
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    /* the file: the first report and the batch once, nothing twice */
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM reports"), N + 1);
    assert_int_equal(raw_int(t.path, "SELECT count(DISTINCT terminal) FROM "
                                     "reports"), N + 1);
    assert_int_equal(raw_int(t.path, "SELECT max(pos) - min(pos) + 1 FROM "
                                     "reports"), N + 1);
    assert_int_equal(raw_int(t.path, "SELECT sum(bytes) FROM usage"),
                     N * 100 + 1);
    tdb_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_io_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
