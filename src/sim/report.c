/*
 * report.c - the outputs of a run (docs/outputs.md): summary.json,
 * events.csv, usage.csv, activity.geojson, activity-windows.geojson,
 * zones.geojson and activity-sats.json (the map's files: activity's
 * aggregate writes the cells, windows and sub-points), and the short
 * human summary printed at the end.
 *
 * Every number is computed from the run's integer counters; JSON is
 * written by jansson with sorted keys and fixed real precision, so the
 * same run gives byte-identical files. Strings that come from the inputs
 * (scenario name, account, plan, zone ids and names) go through the core
 * writers: ln_json_put in JSON printed by hand, ln_csv_put in CSV, so a
 * quote or a comma in a name cannot break a file. Files are written into
 * an output set (ln_outset): staged, checked, renamed into place by the
 * caller's commit.
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <jansson.h>
#include <sodium.h>

#include "sim/sim_int.h"
#include "sim/sim_trust.h"

#ifndef LN_VERSION
#error "LN_VERSION (CMake's project version) must be defined"
#endif

double ln__percentile(const uint64_t *hist, double p)
{
    uint64_t n = 0;
    for (int b = 0; b <= LN_LAT_BINS; b++)
        n += hist[b];
    if (!n)
        return NAN;
    uint64_t want = (uint64_t)ceil(p * (double)n);
    if (want < 1)
        want = 1;
    uint64_t acc = 0;
    for (int b = 0; b <= LN_LAT_BINS; b++) {
        acc += hist[b];
        if (acc >= want)
            return (b + 0.5) * LN_LAT_BIN_MS; /* bin centre */
    }
    return LN_LAT_BINS * LN_LAT_BIN_MS;
}

/* Terminals of an account (-1: all). */
static long count_terminals(const ln__engine *e, int account)
{
    return account < 0 ? (long)e->nt : e->acct_nt[account];
}

/* Terminals denied by each zone at some step, one pass: an ln_malloc'd
 * array of nzones_total counts (NULL when out of memory). */
static long *denied_by_zone(const ln__engine *e)
{
    long *n = ln_calloc(e->nzones_total ? e->nzones_total : 1, sizeof *n);
    if (!n)
        return NULL;
    for (size_t i = 0; i < e->nt; i++)
        if (e->ever_denied_zone[i] > 0 &&
            (size_t)e->ever_denied_zone[i] <= e->nzones_total)
            n[e->ever_denied_zone[i] - 1]++;
    return n;
}

/* A JSON string of s; text that is not valid UTF-8 (jansson refuses it)
 * is taken through ln_json_put, which writes U+FFFD for the bad bytes. */
static json_t *jstr(const char *s)
{
    json_t *j = json_string(s);
    if (j)
        return j;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return json_string("");
    ln_json_put(m, s, 0);
    fclose(m);
    j = json_loadb(buf, len, JSON_DECODE_ANY, NULL);
    free(buf);
    return j ? j : json_string("");
}

int ln_scenario_sha256(const char *text, size_t len, char hex[65])
{
    hex[0] = '\0';
    json_t *root = json_loadb(text, len, 0, NULL);
    if (!root)
        return LN_EPARSE;
    char *canon = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(root);
    if (!canon)
        return LN_ENOMEM;
    if (sodium_init() < 0) {
        free(canon);
        return LN_EIO;
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)canon, strlen(canon));
    free(canon);
    sodium_bin2hex(hex, 65, h, sizeof h);
    return 0;
}

/* The span the run's usage was delivered in, s (the meter's queries
 * take it). */
static double span_s(const ln__engine *e)
{
    return e->nsteps * e->sc->step_s;
}

static double ratio(uint64_t a, uint64_t b)
{
    return b ? (double)a / (double)b : 0.0;
}

static json_t *jreal(double x)
{
    if (!isfinite(x))
        return json_null();
    /* 6 significant decimals keep files stable and readable */
    return json_real(round(x * 1e6) / 1e6);
}

static json_t *slice_json(const ln__engine *e, const ln__counters *c,
                          long terminals)
{
    const ln_scenario *sc = e->sc;
    json_t *o = json_object();
    double hours = (double)c->terminal_steps * sc->step_s / 3600.0;
    json_object_set_new(o, "terminals", json_integer(terminals));
    json_object_set_new(o, "terminal_steps",
                        json_integer((json_int_t)c->terminal_steps));
    json_object_set_new(o, "coverage",
                        jreal(ratio(c->covered_steps, c->terminal_steps)));
    json_object_set_new(o, "availability",
                        jreal(ratio(c->served_steps, c->terminal_steps)));
    json_object_set_new(o, "congested_share",
                        jreal(ratio(c->congested_steps, c->served_steps)));
    json_object_set_new(o, "handovers", json_integer((json_int_t)c->handovers));
    json_object_set_new(o, "handovers_per_terminal_hour",
                        jreal(hours > 0 ? c->handovers / hours : 0));
    json_t *out = json_object();
    for (int r = 1; r < LN_REASON_COUNT_; r++)
        json_object_set_new(out, ln_reason_name(r),
                            jreal(c->outage_steps[r] * sc->step_s / 60.0));
    json_object_set_new(o, "outage_minutes", out);
    json_t *lat = json_object();
    json_object_set_new(lat, "p50", jreal(ln__percentile(c->lat_hist, 0.5)));
    json_object_set_new(lat, "p90", jreal(ln__percentile(c->lat_hist, 0.9)));
    json_object_set_new(lat, "p99", jreal(ln__percentile(c->lat_hist, 0.99)));
    json_object_set_new(o, "rtt_to_gateway_ms", lat);
    json_t *isl = json_object();
    json_object_set_new(isl, "served_share",
                        jreal(ratio(c->isl_steps, c->served_steps)));
    json_object_set_new(isl, "hops_mean",
                        jreal(ratio(c->isl_hops, c->isl_steps)));
    json_object_set_new(o, "via_isl", isl);
    json_object_set_new(o, "delivered_gb", jreal((double)c->bytes / 1e9));
    json_object_set_new(o, "demand_gb", jreal((double)c->demand_bytes / 1e9));
    return o;
}

static json_t *cost_json(const ln_cost *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "hardware", jreal(c->hardware_usd_per_year));
    json_object_set_new(o, "service", jreal(c->service_usd_per_year));
    json_object_set_new(o, "traffic", jreal(c->traffic_usd_per_year));
    json_object_set_new(o, "total", jreal(c->total_usd_per_year));
    return o;
}

static json_t *cts_json(const ln__engine *e, const ln_cts *c,
                        double price_usd_per_year)
{
    const ln_scenario *sc = e->sc;
    json_t *o = json_object();
    json_object_set_new(o, "total_usd_per_year", jreal(c->total_usd_per_year));
    json_object_set_new(o, "satellites_usd_per_year",
                        jreal(c->satellites_usd_per_year));
    json_object_set_new(o, "gateways_usd_per_year",
                        jreal(c->gateways_usd_per_year));
    json_object_set_new(o, "terminals_usd_per_year",
                        jreal(c->terminals_usd_per_year));
    json_object_set_new(o, "terminal_subsidy_usd_per_year",
                        jreal(c->terminal_subsidy_usd_per_year));
    json_object_set_new(o, "satellites_used", jreal(c->sats_used));
    json_object_set_new(o, "satellites_in_view", jreal(c->sats_in_view));
    json_object_set_new(o, "total_in_view_usd_per_year",
                        jreal(c->total_in_view_usd_per_year));
    json_object_set_new(o, "satellites_in_view_usd_per_year",
                        jreal(c->satellites_in_view_usd_per_year));
    json_object_set_new(o, "gateways_in_view_usd_per_year",
                        jreal(c->gateways_in_view_usd_per_year));
    json_object_set_new(o, "price_usd_per_year", jreal(price_usd_per_year));
    if (sc->compare_usd_per_year > 0) {
        json_object_set_new(o, "ratio_to_public_figure",
                            jreal(c->total_usd_per_year /
                                  sc->compare_usd_per_year));
        json_object_set_new(o, "ratio_in_view_to_public_figure",
                            jreal(c->total_in_view_usd_per_year /
                                  sc->compare_usd_per_year));
    }
    return o;
}

/* What an account is billed and what it got: delivered GB, served
 * terminal-hours, and the bill weighted by the share of its
 * terminal-steps that were served. */
static json_t *delivered_json(const ln__engine *e, const ln__counters *c,
                              double billed)
{
    json_t *o = json_object();
    double share = ratio(c->served_steps, c->terminal_steps);
    json_object_set_new(o, "gb", jreal((double)c->bytes / 1e9));
    json_object_set_new(o, "served_terminal_hours",
                        jreal((double)c->served_steps * e->sc->step_s /
                              3600.0));
    json_object_set_new(o, "served_share", jreal(share));
    json_object_set_new(o, "value_usd_per_year", jreal(billed * share));
    return o;
}

/* Mean terminals of window w (k: 0 active, 1 denied, 2 outage). */
static double win_mean(const ln__engine *e, long w, int k)
{
    double tot[3];
    ln_activity_window_total(e->act, w, tot);
    return tot[k] / (e->sc->window_s / e->sc->step_s);
}

/* An account's member of summary.json: its slice of the counters, its
 * price and its cost to serve. */
static json_t *account_json(const ln__engine *e, size_t a)
{
    const ln_scenario *sc = e->sc;
    const ln_plan *p = &sc->plans[sc->accounts[a].plan];
    json_t *o = slice_json(e, &e->per_acct[a], count_terminals(e, (int)a));
    ln_cost c;
    ln_usage_annual_cost(e->usage, (int)a, span_s(e), &c);
    json_object_set_new(o, "plan", jstr(p->id));
    json_object_set_new(o, "annual_cost_usd", jreal(c.total_usd_per_year));
    json_object_set_new(o, "annual_cost_parts_usd", cost_json(&c));
    json_object_set_new(o, "overage",
                        json_string(ln_meter_overage_name(p->overage)));
    json_object_set_new(o, "billed_usd_per_year",
                        jreal(c.total_usd_per_year));
    json_object_set_new(o, "delivered",
                        delivered_json(e, &e->per_acct[a],
                                       c.total_usd_per_year));
    ln_cts cts = ln_usage_cost_to_serve(e->usage, (int)a, span_s(e));
    json_object_set_new(o, "cost_to_serve",
                        cts_json(e, &cts, c.total_usd_per_year));
    return o;
}

/* The fleet's price, its comparison with the public figure and its cost
 * to serve, as members of summary.json's root. */
static void fleet_cost_json(const ln__engine *e, json_t *root)
{
    const ln_scenario *sc = e->sc;
    ln_cost tc;
    ln_usage_annual_cost(e->usage, -1, span_s(e), &tc);
    json_object_set_new(root, "annual_cost_usd", jreal(tc.total_usd_per_year));
    json_object_set_new(root, "annual_cost_parts_usd", cost_json(&tc));
    if (sc->compare_usd_per_year > 0) {
        json_t *cmp = json_object();
        json_object_set_new(cmp, "public_figure_usd_per_year",
                            jreal(sc->compare_usd_per_year));
        json_object_set_new(cmp, "ratio_public_to_model",
                            jreal(sc->compare_usd_per_year /
                                  tc.total_usd_per_year));
        json_object_set_new(root, "cost_comparison", cmp);
    }
    ln_cts cts = ln_usage_cost_to_serve(e->usage, -1, span_s(e));
    json_t *o = cts_json(e, &cts, tc.total_usd_per_year);
    json_object_set_new(o, "serving_satellites_mean",
                        jreal(ln_usage_serving_sats_mean(e->usage)));
    json_object_set_new(o, "billed_usd_per_year",
                        jreal(tc.total_usd_per_year));
    json_object_set_new(o, "delivered",
                        delivered_json(e, &e->total, tc.total_usd_per_year));
    json_object_set_new(root, "cost_to_serve", o);
}

static int write_summary(const ln__engine *e, FILE *f)
{
    const ln_scenario *sc = e->sc;
    json_t *root = json_object();
    char b1[40], b2[40];
    json_t *run = json_object();
    json_object_set_new(run, "scenario", jstr(sc->name));
    json_object_set_new(run, "source", jstr(sc->source));
    /* a summary.json that is there was written by a run that completed
     * (outputs appear only at the end, together) */
    json_object_set_new(run, "completed", json_true());
    json_object_set_new(run, "leonet_version", json_string(LN_VERSION));
    json_object_set_new(run, "scenario_sha256",
                        e->opt.scenario_sha256
                            ? jstr(e->opt.scenario_sha256)
                            : json_null());
    json_object_set_new(run, "start",
                        json_string(ln_time_format_iso(sc->start_unix_s, 0, b1,
                                                       sizeof b1)));
    json_object_set_new(run, "end",
                        json_string(ln_time_format_iso(
                            sc->start_unix_s + e->nsteps * sc->step_s, 0, b2,
                            sizeof b2)));
    json_object_set_new(run, "step_s", jreal(sc->step_s));
    json_object_set_new(run, "steps", json_integer(e->nsteps));
    json_object_set_new(run, "seed", json_integer((json_int_t)sc->seed));
    json_object_set_new(run, "satellites", json_integer((json_int_t)e->nsat));
    json_object_set_new(run, "satellites_in_service",
                        json_integer(e->n_in_service));
    json_object_set_new(run, "in_service",
                        json_string(sc->all_objects ? "all" : "rule"));
    json_object_set_new(run, "terminals", json_integer((json_int_t)e->nt));
    json_object_set_new(run, "gateways", json_integer((json_int_t)e->ngw));
    json_object_set_new(run, "elevation_mask_deg",
                        jreal(sc->mask_rad * LN_RAD2DEG));
    json_object_set_new(run, "isl", json_boolean(sc->isl));
    json_object_set_new(run, "scheduler",
                        json_string(sc->scheduler == LN_SCHED_SLOT ? "slot"
                                                                   : "sticky"));
    if (sc->scheduler == LN_SCHED_SLOT)
        json_object_set_new(run, "slot_s", jreal(sc->slot_s));
    if (sc->isl) {
        json_object_set_new(run, "isl_rule", json_string(e->isl_rule));
        json_object_set_new(run, "laser_satellites",
                            json_integer((json_int_t)e->nlaser));
        json_object_set_new(run, "isls", json_integer((json_int_t)e->nisl));
    }
    json_object_set_new(root, "run", run);

    json_object_set_new(root, "total",
                        slice_json(e, &e->total, (long)e->nt));
    json_t *acc = json_object();
    for (size_t a = 0; a < sc->naccounts; a++)
        json_object_set_new(acc, sc->accounts[a].id, account_json(e, a));
    json_object_set_new(root, "accounts", acc);

    /* zones: by the zone whose area holds the terminal ("none" outside) */
    json_t *zones = json_object();
    for (size_t z = 0; z <= e->nzones_total; z++) {
        const ln__counters *c = &e->per_zone[z];
        if (!c->terminal_steps)
            continue;
        const char *id = z < e->nzones_total
                             ? ln_zoneset_zone(e->zones, z)->id
                             : "none";
        json_t *o = slice_json(e, c, -1);
        json_object_del(o, "terminals");
        json_object_set_new(zones, id, o);
    }
    json_object_set_new(root, "zones", zones);

    json_t *dz = json_object();
    long *nz = denied_by_zone(e);
    if (!nz) {
        json_decref(dz);
        json_decref(root);
        return LN_ENOMEM;
    }
    for (size_t z = 0; z < e->nzones_total; z++)
        if (nz[z])
            json_object_set_new(dz, ln_zoneset_zone(e->zones, z)->id,
                                json_integer(nz[z]));
    ln_free(nz);
    json_object_set_new(root, "denied_by_zone", dz);

    fleet_cost_json(e, root);
    ln__sim_trust_summary(e, root); /* contracts only */

    /* time series per window */
    json_t *ts = json_object();
    json_t *tt = json_array(), *ta = json_array(), *td = json_array(),
           *to = json_array();
    for (long w = 0; w < e->nwin; w++) {
        json_array_append_new(
            tt, json_string(ln_time_format_iso(
                    sc->start_unix_s + w * sc->window_s, 0, b1, sizeof b1)));
        json_array_append_new(ta, jreal(win_mean(e, w, 0)));
        json_array_append_new(td, jreal(win_mean(e, w, 1)));
        json_array_append_new(to, jreal(win_mean(e, w, 2)));
    }
    json_object_set_new(ts, "window_s", jreal(sc->window_s));
    json_object_set_new(ts, "start", tt);
    json_object_set_new(ts, "active_terminals", ta);
    json_object_set_new(ts, "denied_terminals", td);
    json_object_set_new(ts, "outage_terminals", to);
    json_object_set_new(root, "time_series", ts);

    int rc = json_dumpf(root, f,
                        JSON_INDENT(1) | JSON_SORT_KEYS |
                            JSON_REAL_PRECISION(12));
    json_decref(root);
    return rc ? LN_EIO : 0;
}

/* Appends x (a float holding a multiple of 0.01, as events store
 * positions) as printf's "%.2f" would print it. */
static char *put_hundredths(char *p, float x)
{
    double d = x;
    if (signbit(d))
        *p++ = '-';
    long long k = llround(fabs(d) * 100.0);
    char t[24];
    int n = 0;
    long long ip = k / 100;
    do {
        t[n++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    while (n)
        *p++ = t[--n];
    *p++ = '.';
    *p++ = (char)('0' + (k % 100) / 10);
    *p++ = (char)('0' + k % 10);
    return p;
}

/* events.csv: millions of lines on a long run, so the fixed parts of a
 * line are put together by hand (the same bytes as
 * "%s,%d,%s,%s,%s,%.2f,%.2f\n"); the time text is reused while the time
 * does not change; account ids and zone ids go through ln_csv_put. */
static int write_events(const ln__engine *e, FILE *f)
{
    fprintf(f, "time,terminal,account,event,reason,lat,lon\n");
    char b[40] = "";
    double last_t = NAN;
    /* the events spilled during the run, then those still in memory */
    ln__event buf[1024];
    size_t nsp = e->nev_spilled, got = 0, at = 0;
    if (e->events_f && fseek(e->events_f, 0, SEEK_SET))
        return LN_EIO;
    char line[600], *reason = NULL;
    size_t reason_cap = 0, next_change = 0;
    int rc = 0;
    for (size_t k = 0; k < nsp + e->nev && !rc; k++) {
        const ln__event *v;
        if (k < nsp) {
            if (at == got) {
                size_t want = nsp - k < 1024 ? nsp - k : 1024;
                got = fread(buf, sizeof *buf, want, e->events_f);
                at = 0;
                if (got != want) {
                    rc = LN_EIO;
                    break;
                }
            }
            v = &buf[at++];
        } else {
            v = &e->ev[k - nsp];
        }
        if (e->sc->trust) /* change requests decided by then */
            ln__sim_trust_rows(e, f, v->t_unix_s, &next_change);
        if (!(v->t_unix_s == last_t)) {
            ln_time_format_iso(v->t_unix_s, 0, b, sizeof b);
            last_t = v->t_unix_s;
        }
        fputs(b, f);
        fprintf(f, ",%d,", (int)v->terminal);
        ln_csv_put(f, e->sc->accounts[e->acct[v->terminal]].id);
        fputs(v->lost ? ",lost," : ",restored,", f);
        if (v->reason == LN_REASON_ZONE && v->zone >= 0) {
            const char *id = ln_zoneset_zone(e->zones, (size_t)v->zone)->id;
            size_t n = strlen(id) + 6;
            if (ln_grow((void **)&reason, &reason_cap, n, 1)) {
                rc = LN_ENOMEM;
                break;
            }
            snprintf(reason, n, "zone:%s", id);
            ln_csv_put(f, reason);
        } else {
            fputs(ln_reason_name(v->reason), f);
        }
        char *p = line;
        *p++ = ',';
        p = put_hundredths(p, v->lat_deg);
        *p++ = ',';
        p = put_hundredths(p, v->lon_deg);
        *p++ = '\n';
        if (fwrite(line, 1, (size_t)(p - line), f) != (size_t)(p - line))
            rc = LN_EIO;
    }
    ln_free(reason);
    if (!rc && e->sc->trust)
        ln__sim_trust_rows(e, f, INFINITY, &next_change);
    return rc;
}

static int write_usage(const ln__engine *e, FILE *f)
{
    const ln_scenario *sc = e->sc;
    fprintf(f, "day,account,plan,terminals,delivered_gb,cost_usd\n");
    char b[40];
    for (long d = 0; d < ln_usage_ndays(e->usage); d++) {
        for (size_t a = 0; a < sc->naccounts; a++) {
            const ln_plan *p = &sc->plans[sc->accounts[a].plan];
            long n = ln_usage_terminals(e->usage, (int)a);
            double gb = ln_usage_day_bytes(e->usage, d, (int)a) / 1e9;
            ln_cost c = ln_usage_day_cost(e->usage, d, (int)a);
            ln_time_format_iso(sc->start_unix_s + d * 86400.0, 0, b, sizeof b);
            b[10] = '\0';
            fprintf(f, "%s,", b);
            ln_csv_put(f, sc->accounts[a].id);
            fputc(',', f);
            ln_csv_put(f, p->id);
            fprintf(f, ",%ld,%.6f,%.2f\n", n, gb,
                    c.total_usd_per_year / 365.25);
        }
    }
    return 0;
}

/* The zones as the run used them, with their geometry, for the map:
 * each scenario zone's polygons (GeoJSON features, or the outline of a
 * cell list), coordinates in degrees. */
static void dump_ring(FILE *f, const double *lonlat, size_t n, int rad,
                      const double *lat_rad)
{
    fprintf(f, "[");
    for (size_t v = 0; v <= n; v++) {
        size_t k = v % n;
        double lon = rad ? lonlat[k] * LN_RAD2DEG : lonlat[2 * k];
        double lat = rad ? lat_rad[k] * LN_RAD2DEG : lonlat[2 * k + 1];
        fprintf(f, "%s[%.5f,%.5f]", v ? "," : "", lon, lat);
    }
    fprintf(f, "]");
}

static int write_zones(const ln__engine *e, FILE *f)
{
    const ln_scenario *sc = e->sc;
    fprintf(f, "{\"type\":\"FeatureCollection\",\"features\":[\n");
    int first = 1;
    for (size_t z = 0; z < sc->nzones; z++) {
        const ln_sc_zone *zn = &sc->zones[z];
        fprintf(f, "%s{\"type\":\"Feature\",\"id\":", first ? "" : ",\n");
        ln_json_put(f, zn->id, 0);
        fprintf(f, ",\"properties\":{\"id\":");
        ln_json_put(f, zn->id, 0);
        fprintf(f, ",\"name\":");
        ln_json_put(f, zn->name, 0);
        fprintf(f, ",\"action\":\"%s\",\"priority\":%d},\"geometry\":"
                "{\"type\":\"MultiPolygon\",\"coordinates\":[",
                ln_zone_action_name(zn->action), zn->priority);
        first = 0;
        if (zn->is_cells) {
            ln_cell *cells;
            size_t nc, np;
            ln_cell_poly *polys;
            if (!ln_cell_read_file(zn->file, &cells, &nc, NULL)) {
                if (!ln_cell_outline(cells, nc, &polys, &np)) {
                    for (size_t p = 0; p < np; p++) {
                        fprintf(f, "%s[", p ? "," : "");
                        for (size_t r = 0; r < polys[p].nrings; r++) {
                            fprintf(f, "%s", r ? "," : "");
                            dump_ring(f, polys[p].rings[r].lon_rad,
                                      polys[p].rings[r].n, 1,
                                      polys[p].rings[r].lat_rad);
                        }
                        fprintf(f, "]");
                    }
                    ln_cell_polys_free(polys, np);
                }
                ln_free(cells);
            }
        } else {
            ln_geojson gj;
            if (!ln_geojson_read(zn->file, 0, &gj, NULL)) {
                int pf = 1;
                for (size_t ft = 0; ft < gj.nfeatures; ft++)
                    for (size_t p = 0; p < gj.features[ft].npolys; p++) {
                        const ln_geo_polygon *pg = &gj.features[ft].polys[p];
                        fprintf(f, "%s[", pf ? "" : ",");
                        pf = 0;
                        for (size_t r = 0; r < pg->nrings; r++) {
                            size_t n = pg->rings[r].n;
                            const double *c = pg->rings[r].lonlat_deg;
                            /* drop a repeated closing position */
                            if (n > 1 && c[0] == c[2 * (n - 1)] &&
                                c[1] == c[2 * (n - 1) + 1])
                                n--;
                            fprintf(f, "%s", r ? "," : "");
                            dump_ring(f, c, n, 0, NULL);
                        }
                        fprintf(f, "]");
                    }
                ln_geojson_free(&gj);
            }
        }
        fprintf(f, "]}}");
    }
    fprintf(f, "\n]}\n");
    return 0;
}

/* The map's files: written by activity from the run's aggregate. */
static int write_activity_geojson(const ln__engine *e, FILE *f)
{
    return ln_activity_write_cells(e->act, f);
}

static int write_windows_geojson(const ln__engine *e, FILE *f)
{
    return ln_activity_write_windows(e->act, f);
}

static int write_subsat(const ln__engine *e, FILE *f)
{
    return ln_activity_write_sats(e->act, f);
}

int ln__sim_write_outputs(ln__engine *e, ln_outset *os, ln_diag *diag)
{
    struct {
        const char *name;
        int (*fn)(const ln__engine *, FILE *);
    } outs[] = {{"summary.json", write_summary},
                {"events.csv", write_events},
                {"usage.csv", write_usage},
                {"activity.geojson", write_activity_geojson},
                {"activity-windows.geojson", write_windows_geojson},
                {"zones.geojson", write_zones},
                {"activity-sats.json", write_subsat}};
    for (size_t k = 0; k < sizeof outs / sizeof outs[0]; k++) {
        FILE *f = ln_outset_fopen(os, outs[k].name, diag);
        if (!f)
            return LN_EIO;
        int rc = outs[k].fn(e, f);
        int rc2 = ln_outset_fclose(os, f, outs[k].name, diag);
        if (rc)
            return ln_diag_set(diag, rc, ln_outset_dir(os), 0, 0,
                               outs[k].name, "cannot write: %s",
                               ln_strerror(rc));
        if (rc2)
            return rc2;
    }
    return ln__sim_trust_write_log(e, os, diag); /* "audit" only */
}

void ln__sim_print_summary(const ln__engine *e, FILE *f)
{
    const ln_scenario *sc = e->sc;
    char b[40];
    fprintf(f, "scenario %s: %s + %.0f h in %.0f s steps\n", sc->name,
            ln_time_format_iso(sc->start_unix_s, 0, b, sizeof b),
            e->nsteps * sc->step_s / 3600.0, sc->step_s);
    fprintf(f, "  %zu satellites (%ld in service), %zu gateways, %zu "
            "terminals, %zu zones\n",
            e->nsat, e->n_in_service, e->ngw, e->nt, e->nzones_total);
    fprintf(f, "  %-10s %9s %9s %10s %9s %9s %13s\n", "account",
            "terminals", "avail %", "handover/h", "rtt p50", "rtt p99",
            "cost $M/yr");
    for (size_t a = 0; a <= sc->naccounts; a++) {
        const ln__counters *c = a < sc->naccounts ? &e->per_acct[a]
                                                  : &e->total;
        int acc = a < sc->naccounts ? (int)a : -1;
        double hours = (double)c->terminal_steps * sc->step_s / 3600.0;
        fprintf(f, "  %-10s %9ld %9.2f %10.3f %9.1f %9.1f %13.2f\n",
                a < sc->naccounts ? sc->accounts[a].id : "all",
                count_terminals(e, acc),
                100.0 * ratio(c->served_steps, c->terminal_steps),
                hours > 0 ? c->handovers / hours : 0,
                ln__percentile(c->lat_hist, 0.5),
                ln__percentile(c->lat_hist, 0.99),
                ln_usage_annual_cost(e->usage, acc, span_s(e), NULL) /
                    1e6);
    }
    fprintf(f, "  outage minutes:");
    for (int r = 1; r < LN_REASON_COUNT_; r++)
        fprintf(f, " %s %.0f", ln_reason_name(r),
                e->total.outage_steps[r] * sc->step_s / 60.0);
    fprintf(f, "\n  terminals denied by zone:");
    int any = 0;
    long *nz = denied_by_zone(e);
    for (size_t z = 0; nz && z < e->nzones_total; z++)
        if (nz[z]) {
            fprintf(f, " %s %ld", ln_zoneset_zone(e->zones, z)->id, nz[z]);
            any = 1;
        }
    ln_free(nz);
    fprintf(f, "%s\n", any ? "" : " none");
    ln__sim_trust_print(e, f);
    double cost = ln_usage_annual_cost(e->usage, -1, span_s(e), NULL);
    if (sc->compare_usd_per_year > 0)
        fprintf(f, "  annual cost %.1f M$ at list prices; the public figure "
                "of %.0f M$/yr is %.1fx that\n",
                cost / 1e6, sc->compare_usd_per_year / 1e6,
                sc->compare_usd_per_year / cost);
    {
        ln_cts cts = ln_usage_cost_to_serve(e->usage, -1, span_s(e));
        fprintf(f, "  cost to serve %.1f M$/yr (satellites %.1f, gateways "
                "%.1f, terminals %.1f; %.1f with whole satellites in view) "
                "vs price %.1f",
                cts.total_usd_per_year / 1e6,
                cts.satellites_usd_per_year / 1e6,
                cts.gateways_usd_per_year / 1e6,
                cts.terminals_usd_per_year / 1e6,
                cts.total_in_view_usd_per_year / 1e6, cost / 1e6);
        if (sc->compare_usd_per_year > 0)
            fprintf(f, " vs public %.0f M$/yr: %.1f %% (%.1f %%) of it",
                    sc->compare_usd_per_year / 1e6,
                    100.0 * cts.total_usd_per_year / sc->compare_usd_per_year,
                    100.0 * cts.total_in_view_usd_per_year /
                        sc->compare_usd_per_year);
        else
            fputs(" M$/yr", f);
        fputc('\n', f);
    }
    if (sc->isl)
        fprintf(f, "  laser mesh: %zu satellites, %zu links (%s); %.1f %% "
                "of served terminal-steps over it, %.1f hops on average\n",
                e->nlaser, e->nisl, e->isl_rule,
                100.0 * ratio(e->total.isl_steps, e->total.served_steps),
                ratio(e->total.isl_hops, e->total.isl_steps));
    fprintf(f, "  %.0f terminal-steps in %.2f s (%.1f M/s, %d threads)\n",
            (double)e->nt * e->nsteps, e->wall_s,
            (double)e->nt * e->nsteps / e->wall_s / 1e6, e->nthreads);
}
