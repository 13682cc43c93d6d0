/*
 * activity.h - the activity map: a picture and a web page of what the
 * fleet did over a run, drawn from the files `leonet run` writes.
 *
 * Exports
 *   ln_activity_options_init   default options
 *   ln_activity_render         run directory -> activity.png (+ frames)
 *                              and activity.html
 *
 * Inputs (read from the run directory, written by the engine):
 *   activity.geojson    one Feature per H3 cell ("id" = 15 hex digits),
 *                       properties active/denied/outage: per-window mean
 *                       numbers of terminals; top-level window_s, start,
 *                       windows, map_res, name
 *   zones.geojson       the scenario's zones (properties action, name)
 *   activity-sats.json  sub-satellite points per window (optional)
 *   summary.json        run.scenario and time_series (optional: without
 *                       it the series are summed from the cells)
 * and country outlines (GeoJSON) from the data directory:
 * geo/ukraine_ne10m_dejure.geojson and, when present,
 * geo/outlines/neighbours_ne50m.geojson (outlines are optional; a missing
 * file is skipped).
 *
 * Outputs (written into the run directory):
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
 *
 * Only cell-level counts are read and drawn: no position finer than a
 * cell is in any input or output of this module.
 */
#ifndef LEONET_ACTIVITY_H
#define LEONET_ACTIVITY_H

#include "leonet/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ln_activity_options {
    const char *title;    /* title of the PNG and page; NULL = built from
                             the scenario name and the run's time span */
    int width_px;         /* width of the PNGs, px; 0 = 1600; 400..8000 */
    int frames;           /* 0: no frames; N > 0: one activity-HHMM.png
                             every N windows */
    const char *data_dir; /* outlines and page template; NULL = $LEONET_DATA
                             if set, else the build's data directory */
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
 * Given:    run_dir   a directory holding at least activity.geojson (see
 *                     above); the outputs are written there
 *           opt       options, or NULL for the defaults
 * Returned: diag      on error: the file and what is wrong with it
 * Status:   0, LN_EIO (a file cannot be read or written, the folder is
 *           locked by another writer, or ln_cancel_requested()), LN_EPARSE /
 *           LN_EGEOJSON (malformed input), LN_ECELL (a feature id is not a
 *           cell), LN_EINVAL (bad options), LN_ENOTFOUND (no
 *           activity.geojson, or the page template is missing),
 *           LN_ENOMEM
 * Notes:    single-threaded; a day of 96 windows x a few thousand cells
 *           renders in well under a second; frames and the animation
 *           draw one map per window (a day: ~18 s of PNG frames at
 *           1600 px, ~8 s for activity.gif at 960 px). */
int ln_activity_render(const char *run_dir, const ln_activity_options *opt,
                       ln_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
