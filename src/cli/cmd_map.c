/*
 * cmd_map.c - "leonet map": (re)draws the activity map of a finished run.
 *
 *   leonet map RUN_DIR [--frames] [--animate] [--every N] [--width PX]
 *                      [--title TEXT] [--data DIR] [--no-html] [--no-png]
 *
 * Reads RUN_DIR/activity.geojson, activity-sats.json and summary.json
 * (written by 'leonet run') into an activity aggregate
 * (ln_activity_read_run), and draws it with RUN_DIR/zones.geojson
 * (ln_activity_render), which writes activity.png (+ its
 * world file activity.pgw, activity.prj and activity.png.aux.xml),
 * activity-HHMM.png frames and activity.gif when asked, and
 * activity.html, as one output set (all or nothing, locked; SIGINT and
 * SIGTERM abort it). docs/map.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "leonet/activity.h"

#define V "map"

static const ln_opt_spec specs[] = {
    {"frames", 0},  {"every", 1},   {"width", 1}, {"title", 1},
    {"data", 1},    {"no-html", 0}, {"no-png", 0}, {"help", 0},
    {"animate", 0}, {NULL, 0},
};

static void help(FILE *f)
{
    fprintf(f,
"usage: leonet map RUN_DIR [--frames] [--animate] [--every N] [--width PX]\n"
"                  [--title TEXT] [--data DIR] [--no-png] [--no-html]\n"
"\n"
"Draws the activity map of a finished 'leonet run' from the files in\n"
"RUN_DIR (activity.geojson, zones.geojson, activity-sats.json,\n"
"summary.json) and writes, into RUN_DIR:\n"
"  activity.png    the run's map: cells coloured by mean active terminals\n"
"                  (log scale), deny zones hatched, legend, scale bar and\n"
"                  the terminals per window (--width PX, default 1600)\n"
"  activity.pgw    world file of the PNG (EPSG:4326), for QGIS, and\n"
"  activity.prj    its coordinate system (ESRI WKT)\n"
"  activity-HHMM.png  one frame per window with --frames (every N-th\n"
"                  window with --every N), satellites' sub-points shown\n"
"  activity.gif    with --animate: the same frames as one looping animated\n"
"                  GIF, 4 frames a second, 960 px wide\n"
"  activity.html   one self-contained page (opens from the file system):\n"
"                  pan/zoom, time slider and play, tooltip per cell\n"
"--data DIR: leonet's data directory (outlines, page template); default\n"
"$LEONET_DATA, else the one leonet was built with. --no-png skips\n"
"activity.png only (frames and the GIF are written when asked). Files\n"
"appear when all are written, or none (error, SIGINT/SIGTERM); new\n"
"frames replace the folder's earlier frames. Exit status: 0 ok, 2 bad\n"
"usage or input, 3 a file could not be read or written. docs/map.md.\n");
}

int ln_cmd_map(int argc, char **argv)
{
    ln_args a;
    int prc = ln_args_parse(argc, argv, specs, &a, V, help);
    if (prc)
        return prc < 0 ? 0 : prc;
    if (a.npos != 1) {
        fprintf(stderr, "leonet map: give one run directory\n");
        help(stderr);
        return 2;
    }
    ln_activity_options o;
    ln_activity_options_init(&o);
    const char *s;
    long n;
    if ((s = ln_args_get(&a, specs, "width"))) {
        if (ln_args_long(V, "width", s, &n))
            return 2;
        if (n < 400 || n > 8000) {
            fprintf(stderr, "leonet map: --width: want 400..8000 px\n");
            return 2;
        }
        o.width_px = (int)n;
    }
    int frames = ln_args_get(&a, specs, "frames") != NULL;
    int animate = ln_args_get(&a, specs, "animate") != NULL;
    long every = 1;
    if ((s = ln_args_get(&a, specs, "every"))) {
        if (ln_args_long(V, "every", s, &n))
            return 2;
        if (n < 1 || n > 100000) {
            fprintf(stderr, "leonet map: --every: want a number of windows "
                            ">= 1\n");
            return 2;
        }
        every = n;
        if (!animate) /* --every alone: frames */
            frames = 1;
    }
    o.frames = frames ? (int)every : 0;
    o.animate = animate ? (int)every : 0;
    o.title = ln_args_get(&a, specs, "title");
    o.data_dir = ln_args_get(&a, specs, "data");
    if (!o.data_dir) /* the library reads no environment: the CLI does */
        o.data_dir = getenv("LEONET_DATA");
    o.no_html = ln_args_get(&a, specs, "no-html") != NULL;
    o.no_png = ln_args_get(&a, specs, "no-png") != NULL;
    if (o.no_png && o.no_html && !o.frames && !o.animate) {
        fprintf(stderr, "leonet map: --no-png and --no-html: nothing to "
                        "write (add --frames or --animate)\n");
        return 2;
    }
    ln_cancel_install();

    double t0 = ln_time_mono_s();
    ln_diag d;
    ln_diag_clear(&d);
    /* the run's files fill an aggregate, drawn as after 'leonet run' */
    ln_activity *agg = NULL;
    int rc = ln_activity_read_run(a.pos[0], &agg, &d);
    if (!rc)
        rc = ln_activity_render(agg, a.pos[0], &o, &d);
    ln_activity_free(agg);
    double dt = ln_time_mono_s() - t0;
    if (rc) {
        char b[1200];
        fprintf(stderr, "leonet map: %s (%s)\n",
                ln_diag_format(&d, b, sizeof b), ln_strerror(rc));
        /* malformed inputs, bad options: 2; a file that cannot be read or
         * written (a full disk, a locked or read-only folder): 3 */
        return rc == LN_EIO ? 3 : 2;
    }
    /* exactly what ln_activity_render wrote */
    char what[256] = "";
    size_t k = 0;
    if (!o.no_png)
        k += (size_t)snprintf(what + k, sizeof what - k,
                              "activity.png (+ .pgw, .prj)");
    if (o.frames)
        k += (size_t)snprintf(what + k, sizeof what - k, "%sframes every %d "
                              "window%s", k ? ", " : "", o.frames,
                              o.frames > 1 ? "s" : "");
    if (o.animate)
        k += (size_t)snprintf(what + k, sizeof what - k, "%sactivity.gif",
                              k ? ", " : "");
    if (!o.no_html)
        snprintf(what + k, sizeof what - k, "%sactivity.html",
                 k ? ", " : "");
    fprintf(stderr, "leonet map: wrote %s into %s in %.2f s\n", what,
            a.pos[0], dt);
    return 0;
}
