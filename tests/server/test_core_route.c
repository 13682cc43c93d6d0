/*
 * test_core_route.c - the core's request pipeline in process (srv_handle,
 * no socket) and the config file reader: URL caps and decoding, routes,
 * tokens, the envelope; values from the rules (HTTP codes, the envelope's
 * member names, a token's hash computed here with libsodium).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "server/srv_int.h"
#include "srv_fix.h"

#define TOKEN "lnt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

typedef struct fix {
    srv_fix x; /* first: srv_fix_* take it */
    ln_server_config cfg;
} fix;

static int setup(void **state)
{
    fix *f = calloc(1, sizeof *f);
    srv_fix_open(&f->x);
    ln_st_terminal t;
    memset(&t, 0, sizeof t);
    strcpy(t.id, "UT00000001");
    strcpy(t.account, "acc");
    t.lat_deg = 10;
    t.lon_deg = 20;
    t.seq = -1;
    assert_int_equal(ln_store_put_terminal(f->x.st, &t), 0);
    strcpy(t.id, "UT00000002"); /* no position yet */
    t.lat_deg = t.lon_deg = NAN;
    assert_int_equal(ln_store_put_terminal(f->x.st, &t), 0);
    ln_st_token k;
    memset(&k, 0, sizeof k);
    crypto_hash_sha256(k.hash, (const unsigned char *)TOKEN,
                       strlen(TOKEN));
    k.role = LN_ROLE_OPERATOR;
    assert_int_equal(ln_store_put_token(f->x.st, &k, NULL), 0);
    ln_server_config_init(&f->cfg);
    f->cfg.url_max = 200;
    f->cfg.body_max = 100;
    srv_fix_start(&f->x, &f->cfg);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fix *f = *state;
    srv_fix_close(&f->x);
    free(f);
    return 0;
}

/* status of one request; *j = the parsed body (caller decrefs) */
static int ask(fix *f, const char *m, const char *url, const char *auth,
               const char *body, json_t **j)
{
    srv_resp rs;
    assert_int_equal(srv_handle(f->x.s, m, url, auth, body,
                                body ? strlen(body) : 0, &rs),
                     0);
    json_error_t e;
    json_t *o = json_loadb(rs.body, rs.len, 0, &e);
    assert_non_null(o); /* every core answer here is JSON */
    /* the envelope: exactly its five members */
    assert_int_equal(json_object_size(o), 5);
    assert_non_null(json_object_get(o, "content"));
    assert_true(json_is_array(json_object_get(o, "errors")));
    assert_true(json_is_array(json_object_get(o, "warnings")));
    assert_true(json_is_array(json_object_get(o, "information")));
    assert_true(json_is_boolean(json_object_get(o, "isValid")));
    assert_int_equal(json_is_true(json_object_get(o, "isValid")),
                     rs.status < 400);
    int st = rs.status;
    srv_resp_free(&rs);
    if (j)
        *j = o;
    else
        json_decref(o);
    return st;
}

static void test_paths(void **state)
{
    fix *f = *state;
    const char *auth = "Bearer " TOKEN;
    assert_int_equal(ask(f, "GET", "/healthz", NULL, NULL, NULL), 200);
    assert_int_equal(ask(f, "GET", "/healthz/", NULL, NULL, NULL), 200);
    assert_int_equal(ask(f, "GET", "/nope", NULL, NULL, NULL), 404);
    assert_int_equal(ask(f, "PUT", "/healthz", NULL, NULL, NULL), 405);
    assert_int_equal(ask(f, "GET", "healthz", NULL, NULL, NULL), 400);
    assert_int_equal(ask(f, "GET", "/a/../healthz", NULL, NULL, NULL), 400);
    assert_int_equal(ask(f, "GET", "/%2e%2E/healthz", NULL, NULL, NULL),
                     400);
    assert_int_equal(ask(f, "GET", "/v1/terminals/a%2fb/authorization",
                         auth, NULL, NULL),
                     400);
    assert_int_equal(ask(f, "GET", "/v1/terminals/a%5Cb/authorization",
                         auth, NULL, NULL),
                     400);
    assert_int_equal(ask(f, "GET", "/v1/terminals/%/authorization", auth,
                         NULL, NULL),
                     400);
    assert_int_equal(ask(f, "GET", "/v1/terminals/%4/authorization", auth,
                         NULL, NULL),
                     400);
    json_t *j;
    assert_int_equal(ask(f, "GET",
                         "/v1/terminals/UT%3000000%301/authorization"
                         "?lat=%2B1.5&lon=2&t=2022-10-09T00%3A00%3A00Z",
                         auth, NULL, &j),
                     200);
    json_t *c = json_object_get(j, "content");
    assert_string_equal(json_string_value(json_object_get(c, "terminal")),
                        "UT00000001");
    assert_true(fabs(json_number_value(json_object_get(c, "lat")) - 1.5) <
                1e-9);
    assert_string_equal(json_string_value(json_object_get(c, "t")),
                        "2022-10-09T00:00:00.000Z");
    json_decref(j);
    /* no position: the stored one */
    assert_int_equal(ask(f, "GET", "/v1/terminals/UT00000001/authorization",
                         auth, NULL, &j),
                     200);
    c = json_object_get(j, "content");
    assert_true(fabs(json_number_value(json_object_get(c, "lon")) - 20) <
                1e-9);
    json_decref(j);
    assert_int_equal(ask(f, "GET", "/v1/terminals/UT9/authorization", auth,
                         NULL, NULL),
                     404);
    /* no known position: the caller must give one */
    assert_int_equal(ask(f, "GET", "/v1/terminals/UT00000002/authorization",
                         auth, NULL, NULL),
                     400);
    assert_int_equal(ask(f, "GET",
                         "/v1/terminals/UT00000002/authorization?lat=1&lon=2",
                         auth, NULL, NULL),
                     200);
}

static void test_caps_and_auth(void **state)
{
    fix *f = *state;
    char url[400];
    memset(url, 'a', sizeof url);
    memcpy(url, "/healthz?x=", 11);
    url[sizeof url - 1] = 0;
    assert_int_equal(ask(f, "GET", url, NULL, NULL, NULL), 414);
    char body[200];
    memset(body, ' ', sizeof body);
    body[sizeof body - 1] = 0;
    assert_int_equal(ask(f, "POST", "/v1/telemetry", "Bearer " TOKEN, body,
                         NULL),
                     413);
    const char *bad[] = {NULL, "", "Bearer", "Bearer ", "Basic abc",
                         "Bearer lnt_", "Bearer lnt_AAAA!",
                         "Bearer lnt_BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                         "AAAAAA",
                         "Bearer " TOKEN "x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(ask(f, "GET", "/metrics", bad[i], NULL, NULL), 401);
    json_t *j;
    assert_int_equal(ask(f, "POST", "/v1/telemetry", "bearer  " TOKEN,
                         "{\"reports\": 1}", &j),
                     400);
    json_t *e = json_array_get(json_object_get(j, "errors"), 0);
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(e, "memberNames"),
                                         0)),
        "reports");
    json_decref(j);
    assert_int_equal(ask(f, "POST", "/v1/telemetry", "Bearer " TOKEN,
                         "{\"a\":1,\"a\":2}", NULL),
                     400); /* duplicate member */
}

static void test_config(void **state)
{
    fix *f = *state;
    char path[300];
    snprintf(path, sizeof path, "%s/c.json", f->x.dir);
    FILE *fp = fopen(path, "w");
    fputs("{\"listen\": \"0.0.0.0:9\", \"threads\": 3,\n"
          " \"retention\": 60.5, \"log-json\": false}\n", fp);
    fclose(fp);
    ln_server_config c;
    ln_diag d;
    ln_server_config_init(&c);
    assert_int_equal(ln_server_config_load(&c, path, &d), 0);
    assert_string_equal(c.listen, "0.0.0.0:9");
    assert_int_equal(c.threads, 3);
    assert_true(c.retention_s == 60.5);
    assert_int_equal(c.log_json, 0);
    assert_int_equal(c.url_max, 8192); /* untouched: the default */
    fp = fopen(path, "w");
    fputs("{\n \"threads\": 1.5\n}\n", fp);
    fclose(fp);
    ln_server_config_init(&c);
    assert_int_equal(ln_server_config_load(&c, path, &d), LN_EINVAL);
    assert_int_equal(d.line, 2);
    assert_string_equal(d.path, "threads");
    assert_int_equal(c.threads, 0); /* unchanged on error */
    fp = fopen(path, "w");
    fputs("{\n \"threads\": 1,\n", fp);
    fclose(fp);
    assert_int_equal(ln_server_config_load(&c, path, &d), LN_EPARSE);
    assert_true(d.line >= 2);
    /* two files one after the other: the second adds to the first (its
     * strings used to overwrite the first one's listen) */
    ln_server_config_init(&c);
    fp = fopen(path, "w");
    fputs("{\"listen\": \"1.2.3.4:5\"}", fp);
    fclose(fp);
    assert_int_equal(ln_server_config_load(&c, path, &d), 0);
    fp = fopen(path, "w");
    fputs("{\"data-dir\": \"/x\"}", fp);
    fclose(fp);
    assert_int_equal(ln_server_config_load(&c, path, &d), 0);
    assert_string_equal(c.listen, "1.2.3.4:5");
    assert_string_equal(c.data_dir, "/x");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_caps_and_auth, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_config, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
