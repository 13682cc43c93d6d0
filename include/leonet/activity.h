/*
 * activity.h - the activity map: what the fleet did over a run, per H3
 * cell and time window, as an in-memory aggregate (ln_activity), its
 * files, and a picture and a web page drawn from it.
 *
 * Exports
 *   ln_activity_new / _free      an empty aggregate (cells x windows)
 *   ln_activity_row              a cell's row, added when new
 *   ln_activity_add              counts of one cell and window
 *   ln_activity_add_rows         a window's counts of many terminals by row
 *   ln_activity_add_units        one step of terminals by cell and kind
 *   ln_activity_set_frame        the map's area from terminal positions
 *   ln_activity_add_sats         sub-satellite points of a window
 *   ln_activity_merge            adds one aggregate into another
 *   ln_activity_ncells, _cell, _get, _window_total   read access
 *   ln_activity_write_cells      activity.geojson
 *   ln_activity_write_windows    activity-windows.geojson
 *   ln_activity_write_sats       activity-sats.json
 *   ln_activity_read_run         fills an aggregate from a run's files
 *   ln_activity_options_init     default options
 *   ln_activity_render           aggregate -> activity.png (+ frames,
 *                                animation) and activity.html
 *   ln_activity_write_live_page  the page in live mode (leonetd)
 *   ln_activity_write_page_data  the page's data of an aggregate (JSON)
 *
 * The aggregate: cells in order of first appearance (a hash table maps a
 * cell to its row; rows never move), and per cell and window four
 * integer counts (uint32) in units of 1/per_terminal terminal: the
 * engine adds terminal-steps (per_terminal = steps per window, so a count
 * / per_terminal is the mean number of terminals over the window); an
 * aggregate read from files holds hundredths of a terminal
 * (per_terminal = 100: the files carry two decimals). Memory: 16 bytes a
 * cell and window (LN_ACTIVITY_CELLWIN_BYTES) + 8 per cell and 16 per
 * hash slot (at most 4 per cell), + the sub-satellite points (8 bytes a
 * point). Not thread-safe: one thread at a time per aggregate.
 *
 * Files (written by ln_activity_write_*, read by ln_activity_read_run):
 *   activity.geojson    one Feature per H3 cell ("id" = 15 hex digits),
 *                       properties active/denied/outage: per-window mean
 *                       numbers of terminals; top-level window_s, start,
 *                       windows, map_res, name
 *   activity-windows.geojson   the same counts as one feature per cell
 *                       and run of equal windows (GIS time players)
 *   activity-sats.json  sub-satellite points per window (optional)
 * and, read by ln_activity_read_run only: summary.json (run.scenario and
 * time_series; without it the series are summed from the cells).
 * ln_activity_render reads zones.geojson from the run directory (the
 * scenario's zones, properties action, name; optional) and country
 * outlines (GeoJSON) from the data directory:
 * geo/ukraine_ne10m_dejure.geojson and, when present,
 * geo/outlines/neighbours_ne50m.geojson (outlines are optional; a missing
 * file is skipped).
 *
 * Outputs of ln_activity_render (written into the run directory):
 *   activity.png        the map of the whole run: cells coloured by the
 *                       mean number of active (served) terminals over the
 *                       run, log colour scale (viridis), deny zones
 *                       hatched, legend, scale bar, title, and a strip of
 *                       active/denied terminals per window
 *   activity.pgw        its world file (EPSG:4326: pixel <-> lon/lat is
 *                       affine, the projection is equirectangular)
 *   activity.prj        the PNG's coordinate system as ESRI WKT (WGS 84
 *                       geographic: lon/lat degrees)
 *   activity-HHMM.png   frames, one per window or every N windows (opt);
 *                       runs longer than a day: activity-YYYYMMDD-HHMM.png
 *   activity.gif        (opt) the frames as one looping animated GIF
 *   activity.html       one self-contained page (data and script inline,
 *                       no network, works from file://): pan/zoom, time
 *                       slider and play, tooltip per cell, zones,
 *                       satellites' sub-points per window
 * The page's script and style come from <data>/web/activity-map.html.
 * The pictures show what the files carry: means to 0.01 terminal, the
 * time series to 1e-6 terminal (as summary.json), so a map drawn from
 * the engine's aggregate and one drawn from its files are the same bytes.
 *
 * Only cell-level counts are held and drawn: no position finer than a
 * cell is in any input or output of this module.
 */
#ifndef LEONET_ACTIVITY_H
#define LEONET_ACTIVITY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "leonet/cell.h"
#include "leonet/core.h"
#include "leonet/policy.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the aggregate ------------------------------------------------- */

typedef struct ln_activity ln_activity;

#define LN_ACTIVITY_CELLWIN_BYTES 16 /* memory of a cell and window, bytes */
#define LN_ACTIVITY_MAX_WINDOWS 100000L

/* What a terminal was in a step: served, refused by the policy, or
 * without service for want of a satellite or a gateway. */
enum { LN_ACTIVITY_ACTIVE = 0, LN_ACTIVITY_DENIED = 1,
       LN_ACTIVITY_OUTAGE = 2 };

/* ln_activity_kind
 * Given:    reason  a terminal's status in a step (policy.h's ln_reason:
 *                   LN_REASON_NONE when served)
 * Returned: LN_ACTIVITY_ACTIVE when served; LN_ACTIVITY_OUTAGE for want
 *           of a satellite or a gateway (link's outcomes); else
 *           LN_ACTIVITY_DENIED (a zone, a suspended account, the kill
 *           switch).
 * Notes:    inline for the engine's loop over terminals. */
static inline int ln_activity_kind(int reason)
{
    if (reason == LN_REASON_NONE)
        return LN_ACTIVITY_ACTIVE;
    if (reason == LN_REASON_NO_SAT || reason == LN_REASON_NO_GW)
        return LN_ACTIVITY_OUTAGE;
    return LN_ACTIVITY_DENIED;
}

/* Counts of one cell in one window, in 1/per_terminal terminal units. */
typedef struct ln_activity_counts {
    uint32_t active;   /* served */
    uint32_t denied;   /* denied by the policy */
    uint32_t outage;   /* no satellite / gateway */
    uint32_t present;  /* present at all (= active + denied + outage when
                          added by ln_activity_add_rows / _add_units) */
} ln_activity_counts;

typedef struct ln_activity_spec {
    const char *name;     /* the scenario's name (copied; the files' name
                             is "<name> activity"), NULL = "" */
    int res;              /* H3 resolution of the cells 0..15, -1 unknown */
    long windows;         /* 1..LN_ACTIVITY_MAX_WINDOWS */
    double window_s;      /* length of a window, s, > 0 */
    double start_unix_s;  /* start of window 0, Unix s */
    double per_terminal;  /* count units per terminal, > 0: steps per
                             window (window_s / step_s) for terminal-steps;
                             100 for hundredths of a terminal */
} ln_activity_spec;

/* ln_activity_new
 * Given:    spec   the windows and units (see above)
 * Returned: out    an empty aggregate (ln_activity_free)
 * Status:   0, LN_EINVAL (a field out of range), LN_ENOMEM */
int ln_activity_new(const ln_activity_spec *spec,
                    ln_activity **out /* OUT */);
/* Frees a; NULL is a no-op. */
void ln_activity_free(ln_activity *a);

/* ln_activity_row
 * Given:    a, c   an aggregate, a cell (at the aggregate's resolution)
 * Returned: row    c's row: rows are numbered 0, 1, ... in order of first
 *                  appearance and never move
 * Status:   0, LN_ENOMEM (a unchanged)
 * Notes:    amortised O(1); allocates only when c is new. */
int ln_activity_row(ln_activity *a, ln_cell c, long *row /* OUT */);

/* ln_activity_add
 * Given:    a, c, w   aggregate, cell, window 0..windows-1
 *           n         counts to add to cell c in window w and to the
 *                     window's totals
 * Status:   0, LN_EINVAL (w out of range), LN_ENOMEM
 * Notes:    counts wrap at 2^32 units per cell and window, as uint32. */
int ln_activity_add(ln_activity *a, ln_cell c, long w,
                    const ln_activity_counts *n);

/* ln_activity_add_rows
 * Given:    a, w       aggregate, window 0..windows-1
 *           n          number of terminals
 *           row        [n] each terminal's row (ln_activity_row)
 *           active, denied, outage   [n] each terminal's counts
 * Effect:   adds them to the rows' cells in window w (present = the sum
 *           of the three) and to the window's totals, in index order;
 *           all-zero terminals are skipped.
 * Notes:    for terminals that stay in one cell (the engine counts a
 *           window of steps per terminal, then adds them at once). */
void ln_activity_add_rows(ln_activity *a, long w, size_t n,
                          const long *row, const uint32_t *active,
                          const uint32_t *denied, const uint32_t *outage);

/* ln_activity_add_units
 * Given:    a, w     aggregate, window 0..windows-1
 *           n, idx   the terminals idx[0..n-1] (indices into cell)
 *           cell     each terminal's cell this step
 *           kind     [n] LN_ACTIVITY_ACTIVE/DENIED/OUTAGE of terminal
 *                    idx[m]
 * Effect:   adds one unit of that kind (and of present) per terminal to
 *           its cell in window w and to the window's totals, in the order
 *           of idx (new cells get rows in that order)
 * Status:   0, LN_EINVAL (w), LN_ENOMEM (the terminals before the
 *           failing one are in) */
int ln_activity_add_units(ln_activity *a, long w, size_t n, const int *idx,
                          const ln_cell *cell, const uint8_t *kind);

/* ln_activity_set_frame
 * Given:    n, lat_rad, lon_rad   terminal positions, rad (geodetic)
 * Effect:   the map's area for sub-satellite points: the positions'
 *           bounding box widened by 20 deg on each side (degrees; no
 *           wrap at the antimeridian). */
void ln_activity_set_frame(ln_activity *a, size_t n, const double *lat_rad,
                           const double *lon_rad);

/* ln_activity_add_sats
 * Given:    a, w       aggregate, window 0..windows-1
 *           n          satellites
 *           x, y, z    [n] positions, ECEF, km
 *           usable     [n] nonzero: in service this step
 * Effect:   when window w has no point yet, records the usable
 *           satellites' sub-points (geocentric lat, lon, deg, rounded to
 *           0.01 deg) inside the frame, in index order; otherwise nothing
 * Status:   0, LN_EINVAL (w), LN_ENOMEM */
int ln_activity_add_sats(ln_activity *a, long w, size_t n, const double *x,
                         const double *y, const double *z,
                         const unsigned char *usable);

/* ln_activity_merge
 * Given:    dst, src   aggregates with the same windows, window_s, start,
 *                      resolution and per_terminal
 * Effect:   adds src's counts into dst. Order rule: dst's cells keep
 *           their rows; src's cells that dst lacks are appended in src's
 *           row order, so merging ranks 1..N into rank 0 in rank order
 *           gives the row order of one run over all terminals in rank
 *           order. Counts are integers, so the sums do not depend on the
 *           order. Sub-satellite points: dst keeps its own; a window
 *           without any takes src's (every rank propagates the same
 *           constellation). The frame becomes the union.
 * Status:   0, LN_EINVAL (different windows or units), LN_ENOMEM (dst
 *           may hold part of src) */
int ln_activity_merge(ln_activity *dst, const ln_activity *src);

/* Number of cells (rows) of a. */
size_t ln_activity_ncells(const ln_activity *a);
/* The cell of row r (0..ncells-1). */
ln_cell ln_activity_cell(const ln_activity *a, size_t r);
/* The counts of cell c in window w (zeros when c is not in a). */
ln_activity_counts ln_activity_get(const ln_activity *a, ln_cell c, long w);
/* Totals of window w over all cells, units as the counts: active,
 * denied, outage. */
void ln_activity_window_total(const ln_activity *a, long w,
                              double tot[3] /* OUT */);

/* ln_activity_write_cells / _write_windows / _write_sats
 * Given:    a   an aggregate
 *           f   an open file (the caller checks and closes it)
 * Effect:   writes activity.geojson, activity-windows.geojson,
 *           activity-sats.json (docs/outputs.md): cells in ascending id
 *           order (cells never present are left out), means printed
 *           with 2 decimals, coordinates with 6 (cells) and 2 (sats)
 * Status:   0, LN_ENOMEM */
int ln_activity_write_cells(const ln_activity *a, FILE *f);
int ln_activity_write_windows(const ln_activity *a, FILE *f);
int ln_activity_write_sats(const ln_activity *a, FILE *f);

/* ln_activity_read_run
 * Given:    run_dir  a directory holding activity.geojson (and optionally
 *                    summary.json, activity-sats.json)
 * Returned: out      the aggregate those files describe (per_terminal
 *                    100: counts are hundredths of a terminal)
 *           diag     on error: the file and what is wrong with it
 * Status:   0, LN_ENOTFOUND (no activity.geojson), LN_EIO, LN_EPARSE /
 *           LN_EGEOJSON (malformed), LN_ECELL (a feature id is not a
 *           cell), LN_ERANGE (a mean above 42 949 672 terminals),
 *           LN_ETOOBIG, LN_ENOMEM
 * Notes:    the cells' outlines are the cells' own (H3 boundaries), not
 *           the file's rings. */
int ln_activity_read_run(const char *run_dir, ln_activity **out /* OUT */,
                         ln_diag *diag);

/* ---- pictures and page ---------------------------------------------- */

typedef struct ln_activity_options {
    const char *title;    /* title of the PNG and page; NULL = built from
                             the scenario name and the run's time span */
    int width_px;         /* width of the PNGs, px; 0 = 1600; 400..8000 */
    int frames;           /* 0: no frames; N > 0: one activity-HHMM.png
                             every N windows */
    const char *data_dir; /* outlines and page template; NULL = the
                             build's data directory (the CLI passes
                             $LEONET_DATA) */
    int no_png;           /* 1: skip activity.png (.pgw, .prj); frames and
                             the animation are written when asked */
    int animate;          /* 0: no animation; N > 0: activity.gif, the
                             windows 0, N, 2N, ... as one looping
                             animated GIF (4 frames a second) */
    int anim_width_px;    /* width of activity.gif, px; 0 = 960; 400..8000 */
    int frames_only;      /* 1: write only the frames (and the animation):
                             not activity.png/.pgw nor activity.html
                             (`leonet run --frames` after the run's own
                             rendering) */
    int no_html;          /* 1: skip activity.html */
    int quiet;            /* 1: no notes on stderr (missing outlines) */
    ln_outset *outset;    /* write into this open output set (the caller
                             commits it); NULL: render opens one on
                             run_dir and commits it (all files appear
                             together, or none on failure) */
} ln_activity_options;

/* Fills o with the defaults (all zero / NULL: width 1600, no frames). */
void ln_activity_options_init(ln_activity_options *o /* OUT */);

/* ln_activity_render
 * Given:    a         the aggregate to draw
 *           run_dir   the directory the outputs are written into; its
 *                     zones.geojson (optional) gives the zones drawn
 *           opt       options, or NULL for the defaults
 * Returned: diag      on error: the file and what is wrong with it
 * Status:   0, LN_EIO (a file cannot be read or written, the folder is
 *           locked by another writer, or ln_cancel_requested()), LN_EPARSE /
 *           LN_EGEOJSON (malformed zones or outlines), LN_EINVAL (bad
 *           options), LN_ENOTFOUND (the page template is missing),
 *           LN_ENOMEM
 * Notes:    single-threaded; a day of 96 windows x a few thousand cells
 *           renders in well under a second; frames and the animation
 *           draw one map per window (a day: ~18 s of PNG frames at
 *           1600 px, ~8 s for activity.gif at 960 px). */
int ln_activity_render(const ln_activity *a, const char *run_dir,
                       const ln_activity_options *opt, ln_diag *diag);

/* ln_activity_write_live_page
 * Given:    opt   data_dir (the template's folder) and title (NULL =
 *                 "leonet live map"); NULL for the defaults
 *           f     an open file
 * Effect:   writes the page template in live mode (docs/live.md): its
 *           live segments kept, no data (the page fetches it from
 *           leonetd's /v1/map/page and follows /v1/map/events). The
 *           static activity.html is the same template with the live
 *           segments dropped.
 * Status:   0, LN_ENOTFOUND (no template), LN_EPARSE (no data marker) */
int ln_activity_write_live_page(const ln_activity_options *opt, FILE *f,
                                ln_diag *diag);

/* ln_activity_write_page_data
 * Given:    a      an aggregate
 *           zones  the zones drawn: a GeoJSON FeatureCollection text
 *                  (properties action "allow"/"deny", name), zones_len
 *                  bytes; NULL = none
 *           opt    data_dir (outlines, places) and title (NULL = built
 *                  from the scenario name and time span); NULL = defaults
 *           f      an open file
 * Effect:   writes the page's data (docs/map.md, "Page data": the JSON
 *           the static page carries inline) of a.
 * Status:   0, LN_EGEOJSON (zones), LN_EIO / LN_EPARSE (outlines),
 *           LN_ENOMEM */
int ln_activity_write_page_data(const ln_activity *a, const char *zones,
                                size_t zones_len,
                                const ln_activity_options *opt, FILE *f,
                                ln_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
