/*
 * mhd_fixed.c - the peer of bench/leonetd (a): libmicrohttpd answering
 * every request with one fixed JSON body of the size of a leonetd
 * decision, with the MHD options leonetd's src/server/http.c uses
 * (start_mhd: an internal epoll thread pool of one thread per core,
 * ITC, TURBO, the default connection limit, timeout and memory limit
 * 2 x url_max + 16 KiB, listen backlog 4096), so that wrk measures what
 * the HTTP layer alone costs on this machine. No store, no decision.
 *
 * usage: mhd_fixed [THREADS]   (0 or absent: the number of cores)
 * prints "mhd_fixed: listening on http://127.0.0.1:PORT" (port chosen by
 * the kernel), then serves until SIGTERM/SIGINT.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <microhttpd.h>

static const char body[] =
    "{\"content\":{\"terminal\":\"UT00000042\",\"allowed\":true,"
    "\"reason\":\"ok\",\"alert\":0,\"alertName\":null,\"zone\":null},"
    "\"errors\":[],\"warnings\":[],\"information\":[],\"isValid\":true}";

static struct MHD_Response *resp;

static enum MHD_Result answer(void *cls, struct MHD_Connection *c,
                              const char *url, const char *method,
                              const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    (void)cls, (void)url, (void)method, (void)version, (void)upload;
    if (*con_cls == NULL) { /* first call: headers only */
        *con_cls = c;
        return MHD_YES;
    }
    if (*upload_size) { /* ignore any body */
        *upload_size = 0;
        return MHD_YES;
    }
    return MHD_queue_response(c, MHD_HTTP_OK, resp);
}

static volatile sig_atomic_t stop;
static void on_sig(int s) { (void)s; stop = 1; }

int main(int argc, char **argv)
{
    long th = argc > 1 ? atol(argv[1]) : 0;
    if (th <= 0)
        th = sysconf(_SC_NPROCESSORS_ONLN);
    resp = MHD_create_response_from_buffer(sizeof body - 1, (void *)body,
                                           MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(resp, "Content-Type", "application/json");
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = 0;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                     MHD_USE_ITC | MHD_USE_TURBO;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, answer, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)th,
        MHD_OPTION_CONNECTION_LIMIT, 20000u, MHD_OPTION_CONNECTION_TIMEOUT,
        30u, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(2 * 8192 + 16384),
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 4096u, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "mhd_fixed: MHD_start_daemon failed\n");
        return 1;
    }
    const union MHD_DaemonInfo *di =
        MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf("mhd_fixed: listening on http://127.0.0.1:%u\n",
           di ? di->port : 0);
    fflush(stdout);
    signal(SIGTERM, on_sig);
    signal(SIGINT, on_sig);
    while (!stop)
        pause();
    MHD_stop_daemon(d);
    MHD_destroy_response(resp);
    return 0;
}
