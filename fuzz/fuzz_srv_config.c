/*
 * fuzz_srv_config.c - libFuzzer harness for leonetd's config file reader
 * (ln_server_config_load): the input is written to a file in a mkdtemp
 * folder and read over the defaults. It either loads, with every member
 * in its documented range (server.h and config.c's table: a listen
 * string, a positive body and URL cap, connection limit and timeout, a
 * non-negative retention, a positive window, an H3 resolution 0..15),
 * or is refused with a diagnostic that has a message, leaving no crash
 * or leak behind.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leonet/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], path[96];

static void rm_dir(void)
{
    unlink(path);
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/dev/shm/fuzz_cfg.XXXXXX");
        if (!mkdtemp(dir)) {
            snprintf(dir, sizeof dir, "/tmp/fuzz_cfg.XXXXXX");
            if (!mkdtemp(dir))
                abort();
        }
        snprintf(path, sizeof path, "%s/leonetd.json", dir);
        atexit(rm_dir);
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    if (fclose(f))
        abort();
    ln_server_config c;
    ln_server_config_init(&c);
    ln_diag d;
    ln_diag_clear(&d);
    int rc = ln_server_config_load(&c, path, &d);
    if (rc) {
        if (!d.msg[0])
            abort();
        return 0;
    }
    if (!c.listen || c.threads < 0 || c.body_max < 1 ||
        c.url_max < 1 || c.conn_max < 1 || c.conn_timeout_s < 1 ||
        !(c.retention_s >= 0) || !(c.window_s > 0) || c.map_res < 0 ||
        c.map_res > 15)
        abort();
    return 0;
}
