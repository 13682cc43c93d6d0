/*
 * render.c - ln_activity_render: draws an aggregate (with the run
 * directory's zones and the data directory's outlines) as the activity
 * map (PNG, world file, frames, GIF, HTML page); the colour scale and
 * the small helpers the writers share.
 *
 * Colour scale: viridis (van der Walt and Smith, matplotlib 2.0, 2015),
 * perceptually uniform and readable in grey and by colour-blind readers,
 * as 11 stops (viridis(11) of the R package, identical to matplotlib's
 * at t = 0, 0.1, ..., 1) interpolated linearly in sRGB; the page uses the
 * same stops. Values go through log10(1 + v): terminals per cell span
 * four orders of magnitude between villages and cities.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activity/activity_int.h"

static const unsigned char viridis11[11][3] = {
    {0x44, 0x01, 0x54}, {0x48, 0x25, 0x76}, {0x41, 0x44, 0x87},
    {0x35, 0x60, 0x8d}, {0x2a, 0x78, 0x8e}, {0x21, 0x90, 0x8c},
    {0x22, 0xa8, 0x84}, {0x43, 0xbf, 0x71}, {0x7a, 0xd1, 0x51},
    {0xbb, 0xdf, 0x27}, {0xfd, 0xe7, 0x25}};

void ln__act_viridis(double t, double rgb[3])
{
    if (!(t > 0))
        t = 0;
    if (t > 1)
        t = 1;
    double x = t * 10.0;
    int i = (int)x;
    if (i > 9)
        i = 9;
    double f = x - i;
    for (int k = 0; k < 3; k++)
        rgb[k] = ((1 - f) * viridis11[i][k] + f * viridis11[i + 1][k]) / 255.0;
}

double ln__act_scale(double v, double vmax)
{
    if (!(vmax > 0) || !(v > 0))
        return 0;
    double t = log10(1 + v) / log10(1 + vmax);
    return t > 1 ? 1 : t;
}

void ln__act_fmt_time(double t_unix_s, char *buf, size_t n)
{
    int y, mo, d, h, mi;
    double s;
    ln_time_to_utc(t_unix_s + 0.5, &y, &mo, &d, &h, &mi, &s);
    snprintf(buf, n, "%04d-%02d-%02d %02d:%02d", y, mo, d, h, mi);
}

void ln__act_title(const ln__act *a, char *buf, size_t n)
{
    char t0[32], t1[32];
    ln__act_fmt_time(a->start_unix_s, t0, sizeof t0);
    ln__act_fmt_time(a->start_unix_s + a->nwin * a->window_s, t1, sizeof t1);
    /* same day: "2022-10-09 00:00 - 24:00" reads better than the date
     * twice */
    if (strncmp(t0, t1, 10) == 0)
        snprintf(buf, n, "%s: %s - %s UTC", a->scenario, t0, t1 + 11);
    else if (a->nwin * a->window_s == 86400.0 && strcmp(t0 + 11, "00:00") == 0)
        snprintf(buf, n, "%s: %.10s, 00:00 - 24:00 UTC", a->scenario, t0);
    else
        snprintf(buf, n, "%s: %s - %s UTC", a->scenario, t0, t1);
}

void ln__act_proj_make(const ln__act *a, double map_w_px, ln__act_proj *p)
{
    double lat_mid = 0.5 * (a->bbox[1] + a->bbox[3]);
    p->lon0 = a->bbox[0];
    p->lat1 = a->bbox[3];
    p->kx = map_w_px / (a->bbox[2] - a->bbox[0]);
    p->ky = p->kx / cos(lat_mid * LN_DEG2RAD);
    p->w = map_w_px;
    p->h = p->ky * (a->bbox[3] - a->bbox[1]);
    p->ox = p->oy = 0;
}

void ln_activity_options_init(ln_activity_options *o)
{
    memset(o, 0, sizeof *o);
}

const char *ln__act_data_dir(const ln_activity_options *o)
{
    if (o && o->data_dir && o->data_dir[0])
        return o->data_dir;
#ifdef LN_DATA_DIR
    return LN_DATA_DIR;
#else
    return "data";
#endif
}

/* Frame name: activity-HHMM.png, or activity-YYYYMMDD-HHMM.png when the
 * run spans more than one UTC day. */
static void frame_name(const ln__act *a, long w, char *buf, size_t n)
{
    int y, mo, d, h, mi, y0, mo0, d0, y1, mo1, d1;
    double s;
    double t = a->start_unix_s + w * a->window_s;
    ln_time_to_utc(a->start_unix_s + 0.5, &y0, &mo0, &d0, &h, &mi, &s);
    ln_time_to_utc(a->start_unix_s + (a->nwin - 1) * a->window_s + 0.5, &y1,
                   &mo1, &d1, &h, &mi, &s);
    ln_time_to_utc(t + 0.5, &y, &mo, &d, &h, &mi, &s);
    if (y0 == y1 && mo0 == mo1 && d0 == d1)
        snprintf(buf, n, "activity-%02d%02d.png", h, mi);
    else
        snprintf(buf, n, "activity-%04d%02d%02d-%02d%02d.png", y, mo, d, h,
                 mi);
}

/* Messages name the file by its final name, not the staged one. */
static void unstage(ln_diag *d, const ln_outset *os)
{
    const char *st = ln_outset_stage(os);
    size_t n = strlen(st);
    if (!d || strncmp(d->file, st, n) || d->file[n] != '/')
        return;
    char f[sizeof d->file];
    snprintf(f, sizeof f, "%s%s", ln_outset_dir(os), d->file + n);
    snprintf(d->file, sizeof d->file, "%s", f);
}

int ln_activity_render(const ln_activity *agg, const char *run_dir,
                       const ln_activity_options *opt, ln_diag *diag)
{
    ln_activity_options def;
    ln_activity_options_init(&def);
    if (!opt)
        opt = &def;
    if (!agg || !run_dir || strlen(run_dir) > 4000)
        return ln_diag_set(diag, LN_EINVAL, NULL, 0, 0, NULL,
                           "aggregate or run directory missing, or "
                           "directory too long");
    int width = opt->width_px ? opt->width_px : 1600;
    if (width < 400 || width > 8000)
        return ln_diag_set(diag, LN_EINVAL, NULL, 0, 0, NULL,
                           "width %d px: want 400..8000", width);
    if (opt->frames < 0)
        return ln_diag_set(diag, LN_EINVAL, NULL, 0, 0, NULL,
                           "frames: want 0 or a window step >= 1");
    if (opt->animate < 0)
        return ln_diag_set(diag, LN_EINVAL, NULL, 0, 0, NULL,
                           "animate: want 0 or a window step >= 1");
    int anim_width = opt->anim_width_px ? opt->anim_width_px : 960;
    if (anim_width < 400 || anim_width > 8000)
        return ln_diag_set(diag, LN_EINVAL, NULL, 0, 0, NULL,
                           "animation width %d px: want 400..8000",
                           anim_width);
    const char *data = ln__act_data_dir(opt);
    ln__act a;
    int rc = ln__act_from_agg(&a, agg);
    if (rc)
        return ln_diag_set(diag, rc, run_dir, 0, 0, NULL, "out of memory");
    rc = ln__act_load_layers(&a, run_dir, data, opt->quiet, diag);
    if (rc) {
        ln__act_free(&a);
        return rc;
    }
    char title[512];
    if (opt->title)
        snprintf(title, sizeof title, "%s", opt->title);
    else
        ln__act_title(&a, title, sizeof title);
    /* every file goes into an output set: staged, then renamed into
     * place together (or not at all) */
    ln_outset *os = opt->outset;
    if (!os && (rc = ln_outset_open(run_dir, &os, diag))) {
        ln__act_free(&a);
        return rc;
    }
    char p[LN_PATH_MAX_ACT];
    int frames_done = 0;
    if (!opt->no_png && !opt->frames_only) {
        rc = ln_outset_add(os, "activity.png", p, sizeof p, diag);
        if (!rc)
            rc = ln__act_write_png(&a, p, title, width, -1, diag);
        static const char *const side[] = {"activity.pgw", "activity.prj",
                                           "activity.png.aux.xml"};
        for (int k = 0; k < 3 && !rc; k++) {
            FILE *f = ln_outset_fopen(os, side[k], diag);
            if (!f) {
                rc = LN_EIO;
                break;
            }
            if (k == 0)
                ln__act_write_pgw(&a, f, width);
            else
                ln__act_write_prj(f, k == 2);
            rc = ln_outset_fclose(os, f, side[k], diag);
        }
    }
    for (long w = 0; !rc && opt->frames > 0 && w < a.nwin;
         w += opt->frames) {
        char fn[64];
        if (ln_cancel_requested()) {
            rc = ln_diag_set(diag, LN_EIO, run_dir, 0, 0, NULL,
                             "interrupted by a signal: no output written");
            break;
        }
        frame_name(&a, w, fn, sizeof fn);
        rc = ln_outset_add(os, fn, p, sizeof p, diag);
        if (!rc)
            rc = ln__act_write_png(&a, p, title, width, w, diag);
        frames_done = 1;
    }
    if (!rc && opt->animate > 0) {
        rc = ln_outset_add(os, "activity.gif", p, sizeof p, diag);
        /* 25 cs: 4 frames a second, a day of 96 windows in 24 s */
        if (!rc)
            rc = ln__act_write_gif(&a, p, title, anim_width, opt->animate,
                                   25, diag);
    }
    if (!rc && !opt->no_html && !opt->frames_only) {
        char tmpl[LN_PATH_MAX_ACT];
        snprintf(tmpl, sizeof tmpl, "%s/web/activity-map.html", data);
        FILE *f = ln_outset_fopen(os, "activity.html", diag);
        if (!f)
            rc = LN_EIO;
        else
            rc = ln__act_write_html(&a, f, title, tmpl, diag);
        int rc2 = f ? ln_outset_fclose(os, f, "activity.html", diag) : 0;
        if (!rc)
            rc = rc2;
    }
    if (!rc && ln_cancel_requested())
        rc = ln_diag_set(diag, LN_EIO, run_dir, 0, 0, NULL,
                         "interrupted by a signal: no output written");
    if (rc)
        unstage(diag, os);
    if (opt->outset) {
        /* the caller's set: it commits or aborts */
    } else if (rc) {
        ln_outset_abort(os);
    } else {
        /* new frames replace the earlier frames; other files stay */
        static const char *const frames_pat[] = {
            "activity-[0-9][0-9][0-9][0-9].png",
            "activity-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-"
            "[0-9][0-9][0-9][0-9].png",
            NULL};
        static const char *const none[] = {NULL};
        rc = ln_outset_commit(os, frames_done ? frames_pat : none, diag);
    }
    ln__act_free(&a);
    return rc;
}
