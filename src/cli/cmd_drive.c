/*
 * cmd_drive.c - `leonet drive [SCENARIO] --to URL`: runs a scenario as
 * `leonet run` does and sends every terminal's report of every step to a
 * leonetd (POST /v1/telemetry), as the terminals of a live system would;
 * the scenario's timed policy events go through the daemon's admin API
 * (POST /v1/accounts/{id}/suspend | resume) at their simulated time.
 * docs/drive.md.
 *
 * How: ln_sim_run with an observer (sim.h, ln_sim_step_view); after each
 * step the observer appends the step's reports to batches of --batch
 * reports (JSON, the daemon's report format: docs/drive.md) and hands
 * full batches to a pool of keep-alive HTTP transfers (drive_http.c).
 * Terminal i of the run is "UT" + 8-digit i, as `leonetd seed` names it;
 * its seq is the step index (one more each step), so a batch retried after
 * a failure carries the same seqs and the daemon stores and bills it once.
 * Ordering: before the first step at or after a policy event's time, every
 * batch sent so far is acknowledged, then the event is applied, then the
 * step's reports go: the daemon decides each report with the account
 * state the run had at that step. The run's kill switch and suspension
 * are one flag in the daemon (suspend while either holds), so the served
 * and billed outcome is the run's; only the reason's name may differ.
 * Pace: --speed N sends step k at N times real time from the start (step
 * k at k * step_s / N seconds); without it, as fast as the daemon
 * acknowledges (--connections batches in flight).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cli/cli.h"
#include "cli/drive.h"
#include "leonet/policy.h"
#include "leonet/sim.h"

static void drive_help(FILE *f)
{
    fprintf(f,
"usage: leonet drive [SCENARIO.json | NAME] --to URL [--token TOKEN]\n"
"                    [--speed N] [--duration S] [--terminals N]\n"
"                    [--batch N] [--connections N] [--retries N] [--quiet]\n"
"\n"
"Runs a scenario (default: the built-in 'ukraine-2022') and sends each\n"
"terminal's report of each step to the leonetd at URL (POST\n"
"/v1/telemetry), as the terminals would; the scenario's policy events\n"
"(suspend, resume, kill switch) are applied through the daemon's\n"
"accounts API at their simulated time. Seed the daemon first with the\n"
"same scenario and --terminals (leonetd seed). docs/drive.md.\n"
"--to URL         the daemon, e.g. http://127.0.0.1:8080\n"
"--token TOKEN    an operator token (leonetd token create --role\n"
"                 operator); default $LEONET_TOKEN\n"
"--speed N        N times real time (1: a 15 s step every 15 s); default:\n"
"                 as fast as the daemon acknowledges\n"
"--duration S     simulate S seconds instead of the scenario's duration\n"
"--terminals N    scale the terminal groups to N terminals (as leonet run)\n"
"--batch N        reports per request, 1..100000 (default 1000)\n"
"--connections N  requests in flight, 1..64 (default 4)\n"
"--retries N      tries again after no answer or a 5xx, 0..100 (default\n"
"                 8, waiting 0.25 s, 0.5 s, ... at most 4 s between)\n"
"--quiet          no progress line and no summary\n"
"Exit status: 0 ok, 2 bad usage, scenario, URL or token, 3 the daemon\n"
"refused reports or went away (after the retries), or the run failed.\n");
}

typedef struct drive {
    const ln_scenario *sc;
    drv_pool *pool;
    size_t batch;            /* reports per request */
    double speed;            /* 0: as fast as acknowledged */
    /* the batch being written */
    char *buf;
    size_t len, cap, nrep;
    /* policy events in the order the run applies them */
    size_t *ev;              /* indices into sc->events, by (t, index) */
    size_t nev, next_ev;
    unsigned char *susp, *kill; /* per account: the run's flags */
    unsigned char *down;     /* per account: suspended in the daemon */
    /* counts */
    uint64_t sent, acked, dups, events;
    long steps, nsteps;
    double wall0, last_print, t_step;
    int tty;                 /* progress line on stderr */
    /* the first failure */
    int exit_code;           /* 0, 2 (token), 3 */
    char why[700];
} drive;

/* ---- answers ------------------------------------------------------------- */

/* Duplicates the daemon reports in a telemetry answer's content: a count
 * ("duplicates"/"duplicate"), or per-report results whose "status" is
 * "duplicate" or whose "stored" is false. */
static uint64_t count_dups(json_t *content)
{
    json_t *n = json_object_get(content, "duplicates");
    if (!n)
        n = json_object_get(content, "duplicate");
    if (json_is_integer(n))
        return (uint64_t)json_integer_value(n);
    json_t *res = json_object_get(content, "results");
    if (!res)
        res = json_object_get(content, "reports");
    uint64_t d = 0;
    size_t k;
    json_t *r;
    json_array_foreach(res, k, r) {
        const char *st = json_string_value(json_object_get(r, "status"));
        json_t *stored = json_object_get(r, "stored");
        if ((st && strcmp(st, "duplicate") == 0) || json_is_false(stored))
            d++;
    }
    return d;
}

/* The daemon's first errorMessage (ServiceResponse envelope), or "". */
static void envelope_error(const char *body, size_t len, char *out,
                           size_t n)
{
    out[0] = '\0';
    json_t *j = json_loadb(body, len, 0, NULL);
    json_t *e = json_array_get(json_object_get(j, "errors"), 0);
    const char *m = json_string_value(json_object_get(e, "errorMessage"));
    if (m)
        snprintf(out, n, "%s", m);
    else if (!j && len)
        snprintf(out, n, "%.200s", body);
    json_decref(j);
}

static void on_done(void *user, const drv_done *dn)
{
    drive *d = user;
    if (dn->outcome == DRV_OK) {
        if (dn->nreports) {
            d->acked += dn->nreports;
            json_t *j = json_loadb(dn->body, dn->body_len, 0, NULL);
            d->dups += count_dups(json_object_get(j, "content"));
            json_decref(j);
        }
        return;
    }
    if (d->exit_code)
        return; /* keep the first failure */
    char msg[400];
    envelope_error(dn->body, dn->body_len, msg, sizeof msg);
    switch (dn->outcome) {
    case DRV_AUTH:
        d->exit_code = 2;
        snprintf(d->why, sizeof d->why,
                 "leonetd refused the token (HTTP %ld%s%s): give an "
                 "operator token with --token or $LEONET_TOKEN (leonetd "
                 "token create --role operator)", dn->status,
                 msg[0] ? ": " : "", msg);
        break;
    case DRV_REJECT:
        d->exit_code = 3;
        snprintf(d->why, sizeof d->why,
                 "leonetd refused a request (HTTP %ld%s%s); was it seeded "
                 "with the same scenario and --terminals (leonetd seed)?",
                 dn->status, msg[0] ? ": " : "", msg);
        break;
    default:
        d->exit_code = 3;
        if (dn->status)
            snprintf(d->why, sizeof d->why,
                     "leonetd answered HTTP %ld%s%s after every retry",
                     dn->status, msg[0] ? ": " : "", msg);
        else
            snprintf(d->why, sizeof d->why,
                     "leonetd does not answer (%s) after every retry",
                     dn->error);
    }
}

/* ---- progress ------------------------------------------------------------ */

static void progress(drive *d, int last)
{
    double now = ln_time_mono_s();
    if (!d->tty || (!last && now - d->last_print < 0.5))
        return;
    d->last_print = now;
    double el = now - d->wall0;
    char ts[40];
    ln_time_format_iso(d->t_step, 0, ts, sizeof ts);
    fprintf(stderr,
            "\rleonet drive: %s step %ld/%ld, %.0f reports/s, %llu "
            "acknowledged, %llu retried   ",
            ts, d->steps, d->nsteps, el > 0 ? (double)d->acked / el : 0.0,
            (unsigned long long)d->acked,
            (unsigned long long)drv_pool_retried(d->pool));
    if (last)
        fputc('\n', stderr);
}

/* ---- batches ------------------------------------------------------------- */

/* Sends the batch being written (if any). 0, or -1 when the pool has
 * stopped. */
static int flush(drive *d)
{
    if (!d->nrep)
        return drv_pool_stopped(d->pool) ? -1 : 0;
    memcpy(d->buf + d->len, "]}", 3);
    d->len += 2;
    char *body = d->buf;
    size_t len = d->len, n = d->nrep;
    d->buf = NULL;
    d->len = d->cap = d->nrep = 0;
    d->sent += n;
    return drv_pool_post(d->pool, "/v1/telemetry", body, len, n);
}

static const char *link_name(const ln_sim_step_view *v, size_t i)
{
    switch (v->status[i]) {
    case LN_REASON_NONE: return "ok";
    case LN_REASON_NO_SAT: return "no-satellite";
    case LN_REASON_NO_GW: return "no-gateway";
    default: /* denied: the terminal sees the sky all the same */
        return v->covered[i] ? "ok" : "no-satellite";
    }
}

/* Appends terminal i's report of the step. 0, or -1 (out of memory). */
static int append(drive *d, const ln_sim_step_view *v, size_t i)
{
    if (d->cap - d->len < 400) {
        size_t nc = d->cap ? 2 * d->cap : 256 * (d->batch + 1) + 64;
        char *nb = realloc(d->buf, nc);
        if (!nb)
            return -1;
        d->buf = nb;
        d->cap = nc;
    }
    if (!d->nrep)
        d->len = (size_t)snprintf(d->buf, d->cap, "{\"reports\":[");
    int served = v->status[i] == LN_REASON_NONE;
    int k = snprintf(
        d->buf + d->len, d->cap - d->len,
        "%s{\"terminal\":\"UT%08zu\",\"seq\":%ld,\"t\":%.17g,\"lat\":%.17g,"
        "\"lon\":%.17g,\"alt_m\":0,\"bytes_down\":%llu,\"bytes_up\":0,"
        "\"latency_ms\":%.9g,\"link\":\"%s\"}",
        d->nrep ? "," : "", i, v->step, v->t_unix_s,
        v->lat_rad[i] * LN_RAD2DEG, v->lon_rad[i] * LN_RAD2DEG,
        (unsigned long long)v->bytes[i],
        served ? (double)v->rtt_ms[i] : 0.0, link_name(v, i));
    d->len += (size_t)k;
    d->nrep++;
    return 0;
}

/* ---- policy events -------------------------------------------------------- */

/* The daemon's suspension of account a follows the run's flags. */
static int sync_account(drive *d, size_t a)
{
    int want = d->susp[a] || d->kill[a];
    if (want == d->down[a])
        return 0;
    char *id = curl_easy_escape(NULL, d->sc->accounts[a].id, 0);
    char path[400];
    snprintf(path, sizeof path, "/v1/accounts/%s/%s", id ? id : "",
             want ? "suspend" : "resume");
    curl_free(id);
    if (drv_pool_call(d->pool, "POST", path, "{}") != DRV_OK)
        return -1;
    d->down[a] = (unsigned char)want;
    return 0;
}

/* Applies the events the run applies at step time t (those at or before
 * it), after every report sent so far is acknowledged. */
static int apply_events(drive *d, double t)
{
    if (d->next_ev >= d->nev || d->sc->events[d->ev[d->next_ev]].t_unix_s > t)
        return 0;
    if (flush(d))
        return -1;
    drv_pool_drain(d->pool);
    while (d->next_ev < d->nev &&
           d->sc->events[d->ev[d->next_ev]].t_unix_s <= t) {
        const ln_sc_policy_event *e = &d->sc->events[d->ev[d->next_ev++]];
        size_t lo = e->account < 0 ? 0 : (size_t)e->account;
        size_t hi = e->account < 0 ? d->sc->naccounts : (size_t)e->account + 1;
        for (size_t a = lo; a < hi; a++) {
            if (e->action == LN_POLICY_SUSPEND || e->action == LN_POLICY_RESUME)
                d->susp[a] = e->action == LN_POLICY_SUSPEND;
            else
                d->kill[a] = e->action == LN_POLICY_KILL;
        }
        d->events++;
    }
    for (size_t a = 0; a < d->sc->naccounts; a++)
        if (sync_account(d, a))
            return -1;
    return 0;
}

static const ln_scenario *sort_sc; /* cmp_ev's scenario (one drive) */

static int cmp_ev(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    double ta = sort_sc->events[a].t_unix_s, tb = sort_sc->events[b].t_unix_s;
    if (ta != tb)
        return ta < tb ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* ---- the observer ---------------------------------------------------------- */

static int on_step(void *user, const ln_sim_step_view *v)
{
    drive *d = user;
    d->nsteps = v->nsteps;
    d->t_step = v->t_unix_s;
    if (apply_events(d, v->t_unix_s))
        return LN_ENET;
    if (d->speed > 0) { /* step k at k * step_s / speed from the start */
        double due = d->wall0 + (double)v->step * v->step_s / d->speed;
        double now;
        while ((now = ln_time_mono_s()) < due && !ln_cancel_requested())
            drv_pool_pump(d->pool, due - now < 0.1 ? due - now : 0.1);
    }
    for (size_t i = 0; i < v->nt; i++) {
        if (append(d, v, i)) {
            snprintf(d->why, sizeof d->why, "out of memory");
            d->exit_code = 3;
            return LN_ENOMEM;
        }
        if (d->nrep >= d->batch && flush(d))
            return LN_ENET;
    }
    if (d->speed > 0 && flush(d))
        return LN_ENET;
    drv_pool_pump(d->pool, 0);
    d->steps = v->step + 1;
    progress(d, 0);
    return drv_pool_stopped(d->pool) ? LN_ENET : 0;
}

/* ---- the verb ---------------------------------------------------------------- */

typedef struct drive_args {
    const char *scenario, *url, *token;
    double speed, duration_s;
    long terminals, batch, conns, retries;
    int quiet;
} drive_args;

/* Options into da; 0, or 2 (printed). */
static int options(const ln_args *a, const ln_opt_spec *sp, drive_args *da)
{
    const char *s;
    da->scenario = a->npos ? a->pos[0] : "ukraine-2022";
    da->url = ln_args_get(a, sp, "to");
    da->token = ln_args_get(a, sp, "token");
    if (!da->token)
        da->token = getenv("LEONET_TOKEN");
    da->quiet = ln_args_get(a, sp, "quiet") != NULL;
    da->batch = 1000;
    da->conns = 4;
    da->retries = 8;
    if (a->npos > 1) {
        fprintf(stderr, "leonet drive: one scenario at a time\n");
        return 2;
    }
    if (!da->url) {
        fprintf(stderr, "leonet drive: --to URL is required (the leonetd, "
                "e.g. http://127.0.0.1:8080; see leonet drive --help)\n");
        return 2;
    }
    if (((s = ln_args_get(a, sp, "speed")) &&
         ln_args_double_in("drive", "speed", s, 1e-3, 1e9, &da->speed)) ||
        ((s = ln_args_get(a, sp, "duration")) &&
         ln_args_double_in("drive", "duration", s, 1, 366 * 86400.0,
                           &da->duration_s)) ||
        ((s = ln_args_get(a, sp, "terminals")) &&
         ln_args_long_in("drive", "terminals", s, 1, 100000000L,
                         &da->terminals)) ||
        ((s = ln_args_get(a, sp, "batch")) &&
         ln_args_long_in("drive", "batch", s, 1, 100000, &da->batch)) ||
        ((s = ln_args_get(a, sp, "connections")) &&
         ln_args_long_in("drive", "connections", s, 1, 64, &da->conns)) ||
        ((s = ln_args_get(a, sp, "retries")) &&
         ln_args_long_in("drive", "retries", s, 0, 100, &da->retries)))
        return 2;
    return 0;
}

/* The URL without a trailing '/' into out: http or https with a host.
 * 0, or 2 (printed). */
static int check_url(const char *url, char *out, size_t n)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    int ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
             curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
             curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
             (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0);
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    size_t len = strlen(url);
    if (!ok || len >= n || strchr(url, '?') || strchr(url, '#')) {
        fprintf(stderr, "leonet drive: --to '%s' is not an http:// or "
                "https:// URL of a leonetd (e.g. http://127.0.0.1:8080)\n",
                url);
        return 2;
    }
    memcpy(out, url, len + 1);
    while (len > 0 && out[len - 1] == '/')
        out[--len] = '\0';
    return 0;
}

/* A scenario by built-in name or file; 0, or 2 (printed). */
static int load(const char *arg, ln_scenario **sc)
{
    ln_diag d;
    char msg[1400];
    ln_diag_clear(&d);
    int rc = ln_scenario_open(arg, ln_cli_scenario_options(), sc, &d);
    if (rc) {
        fprintf(stderr, "leonet drive: %s\n",
                ln_diag_format(&d, msg, sizeof msg));
        return 2;
    }
    return 0;
}

static int drive_setup(drive *d, const ln_scenario *sc, const drive_args *da,
                       const char *url)
{
    d->sc = sc;
    d->batch = (size_t)da->batch;
    d->speed = da->speed;
    d->tty = !da->quiet && isatty(STDERR_FILENO);
    d->nev = sc->nevents;
    d->ev = calloc(sc->nevents + 1, sizeof *d->ev);
    d->susp = calloc(sc->naccounts + 1, 1);
    d->kill = calloc(sc->naccounts + 1, 1);
    d->down = calloc(sc->naccounts + 1, 1);
    drv_pool_config pc = {url, da->token, (int)da->conns, (int)da->retries,
                          60.0, on_done, d};
    d->pool = drv_pool_new(&pc);
    if (!d->ev || !d->susp || !d->kill || !d->down || !d->pool) {
        fprintf(stderr, "leonet drive: out of memory\n");
        return 3;
    }
    for (size_t k = 0; k < sc->nevents; k++)
        d->ev[k] = k;
    sort_sc = sc;
    qsort(d->ev, d->nev, sizeof *d->ev, cmp_ev);
    return 0;
}

static void drive_free(drive *d)
{
    drv_pool_free(d->pool);
    free(d->buf);
    free(d->ev);
    free(d->susp);
    free(d->kill);
    free(d->down);
}

/* Is a leonetd there? GET /healthz. 0, or 3 (printed). */
static int reach(drive *d, const char *url, int retries)
{
    drv_pool_set_retries(d->pool, retries < 2 ? retries : 2);
    int ok = drv_pool_call(d->pool, "GET", "/healthz", NULL) == DRV_OK;
    drv_pool_set_retries(d->pool, retries);
    if (ok)
        return 0;
    fprintf(stderr, "leonet drive: no leonetd at %s: %s\n", url, d->why);
    return 3;
}

/* Runs the scenario with the observer; the exit code. */
static int run(drive *d, ln_scenario *sc, const drive_args *da)
{
    ln_sim_options o = {0};
    o.nthreads = ln_cli_threads;
    o.quiet = 1;
    o.write_outputs = 0;
    o.max_terminals = da->terminals;
    o.duration_s = da->duration_s;
    o.data_dir = getenv("LEONET_DATA");
    o.observe = on_step;
    o.observe_user = d;
    ln_cli_env_sim(&o);
    ln_cancel_install();
    d->wall0 = ln_time_mono_s();
    ln_diag dg;
    char msg[1400];
    int rc = ln_sim_run(sc, &o, NULL, &dg);
    if (!rc && !flush(d))
        drv_pool_drain(d->pool);
    else
        drv_pool_drain(d->pool);
    progress(d, 1);
    if (d->exit_code) {
        fprintf(stderr, "leonet drive: %s (step %ld of %ld: %llu reports "
                "acknowledged of %llu sent)\n", d->why, d->steps, d->nsteps,
                (unsigned long long)d->acked, (unsigned long long)d->sent);
        return d->exit_code;
    }
    if (rc) {
        fprintf(stderr, "leonet drive: %s\n",
                ln_diag_format(&dg, msg, sizeof msg));
        return 3;
    }
    double el = ln_time_mono_s() - d->wall0;
    if (!da->quiet)
        printf("leonet drive: %ld steps, %llu reports in %.1f s (%.0f/s), "
               "%llu acknowledged (%llu duplicates), %llu retried requests, "
               "%llu policy events\n",
               d->steps, (unsigned long long)d->sent, el,
               el > 0 ? (double)d->sent / el : 0.0,
               (unsigned long long)d->acked, (unsigned long long)d->dups,
               (unsigned long long)drv_pool_retried(d->pool),
               (unsigned long long)d->events);
    return 0;
}

int ln_cmd_drive(int argc, char **argv)
{
    static const ln_opt_spec specs[] = {
        {"to", 1}, {"token", 1}, {"speed", 1}, {"duration", 1},
        {"terminals", 1}, {"batch", 1}, {"connections", 1}, {"retries", 1},
        {"quiet", 0}, {"help", 0}, {NULL, 0}};
    ln_args a;
    int rc = ln_args_parse(argc, argv, specs, &a, "drive", drive_help);
    if (rc)
        return rc < 0 ? 0 : rc;
    drive_args da = {0};
    if ((rc = options(&a, specs, &da)))
        return rc;
    char url[1024];
    if ((rc = check_url(da.url, url, sizeof url)))
        return rc;
    ln_scenario *sc;
    if ((rc = load(da.scenario, &sc)))
        return rc;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    drive d;
    memset(&d, 0, sizeof d);
    rc = drive_setup(&d, sc, &da, url);
    if (!rc)
        rc = reach(&d, url, (int)da.retries);
    if (!rc)
        rc = run(&d, sc, &da);
    drive_free(&d);
    ln_scenario_free(sc);
    curl_global_cleanup();
    return rc;
}
