/*
 * activity_int.h - private to src/activity: the activity data of a run as
 * read from its directory, and the helpers the PNG and HTML writers share.
 *
 * Coordinates are degrees here (lon, lat), as in the files: this module
 * only draws, it never computes geometry beyond projecting for a picture.
 * Per-cell values are float: the files carry two decimals.
 */
#ifndef LN_ACTIVITY_INT_H
#define LN_ACTIVITY_INT_H

#include <stddef.h>

#include <cairo.h>

#include "leonet/activity.h"
#include "leonet/cell.h"
#include "leonet/geofence.h"
#include "leonet/zone.h"

#define LN_PATH_MAX_ACT 4352 /* a path in the run directory, bytes */
/* PNG layout at width 1600 (sizes scale with width / 1600), px */
#define LN__ACT_MARGIN 24.0  /* left and right of the map */
#define LN__ACT_TITLE_H 88.0 /* title band above the map */

/* The aggregate (leonet/activity.h; aggregate.c). */
struct ln_activity {
    char *name;              /* scenario name, owned */
    int res;                 /* H3 resolution, -1 unknown */
    long nwin;               /* windows, >= 1 */
    double window_s;         /* s */
    double start_unix_s;     /* start of window 0 */
    double per_terminal;     /* count units per terminal */
    ln_cell *cells;          /* [row], first-seen order */
    size_t ncells, cap_cells;
    long *htab;              /* cell -> row, -1 empty; hcap a power of 2 */
    size_t hcap;
    ln_activity_counts *cw;  /* [row * nwin + w], cap_cells rows */
    double *tot;             /* [3 * w + k]: active, denied, outage */
    float **sat;             /* [w]: nsat[w] (lat, lon) pairs, deg */
    int *nsat;
    double frame[4];         /* lon0, lat0, lon1, lat1 of the sub-points
                                kept, deg; empty (inf) until set */
    int text;                /* 1: read from a run's files: every listed
                                cell is drawn, the values are the files' */
    int no_sats;             /* 1: no activity-sats.json was read */
    double *ts_mean;         /* text: summary.json's series [k * nwin + w]
                                (mean terminals), or NULL: summed */
};

/* One H3 cell with its outline and its values per window. */
typedef struct ln__act_cell {
    ln_cell id;
    char sid[LN_CELL_STRLEN]; /* 15 lowercase hex digits */
    int nv;                   /* outline vertices, 5..10 */
    double lon[LN_CELL_MAX_VERTS], lat[LN_CELL_MAX_VERTS]; /* deg */
    double clon, clat;        /* centre, deg */
    double mean_active;       /* mean over the windows of active */
    double max_active, max_denied, max_outage;
} ln__act_cell;

/* A polygonal layer: rings of (lon, lat) degrees, grouped in polygons. */
typedef struct ln__act_layer {
    ln_geojson gj;   /* owned */
    int *action;     /* per feature: LN_ZONE_ALLOW/DENY (zones), or 0 */
} ln__act_layer;

typedef struct ln__act {
    char scenario[128];
    double start_unix_s;  /* start of window 0, Unix s */
    double window_s;      /* s */
    long nwin;            /* >= 1 */
    int res;              /* H3 resolution of the cells, -1 unknown */
    size_t ncells;
    ln__act_cell *cells;
    float *active, *denied, *outage; /* [cell * nwin + w], terminals */
    double *ts_active, *ts_denied, *ts_outage; /* [w], whole run */
    int ts_from_summary;  /* 1: series from summary.json, 0: summed */
    ln__act_layer zones;  /* empty when zones.geojson is absent */
    ln__act_layer outline[4];
    int noutline;
    float *sats;          /* lat, lon pairs, deg, all windows */
    size_t *sat_off;      /* nwin + 1 offsets (in pairs) into sats */
    double bbox[4];       /* lon_min, lat_min, lon_max, lat_max, deg */
    struct ln__act_place {
        char name[48];
        double lat, lon;  /* deg */
    } places[16];         /* the largest cities, for labels */
    int nplaces;
} ln__act;

/* The drawing data of an aggregate: cells in ascending id order (those
 * present, all when a->text), values as the files carry them (means to
 * 0.01, series as summary.json writes them). Zones, outlines, places and
 * the box are not set (ln__act_load_layers). */
int ln__act_from_agg(ln__act *d, const ln_activity *a);
/* The data directory: the option's (o may be NULL), else the build's
 * (render.c). */
const char *ln__act_data_dir(const ln_activity_options *o);
/* Zones (run_dir/zones.geojson, when present), outlines and places from
 * data_dir (NULL = skip), then the map's box. */
int ln__act_load_layers(ln__act *a, const char *run_dir,
                        const char *data_dir, int quiet, ln_diag *diag);
/* Replaces the zones layer by a GeoJSON text's features (leonetd's zones;
 * properties.action "allow" or deny) and the map's box with it. */
int ln__act_set_zones(ln__act *a, const char *text, size_t len,
                      ln_diag *diag);
/* A cell's id, centre and outline (the H3 boundary as the files print
 * it, 6 decimals, or ring/nring when nring >= 4: a closed GeoJSON ring
 * of lon, lat pairs, deg) */
void ln__act_cell_set(ln__act_cell *c, ln_cell id, const double *ring,
                      int nring);

/* Cell i's mean and maxima from its series (a->active... row i). */
void ln__act_cell_stats(ln__act *a, size_t i);
/* Reads run_dir's activity.geojson, summary.json, activity-sats.json
 * into a (zeroed first; the caller frees a on error too). */
int ln__act_read_files(ln__act *a, const char *run_dir, ln_diag *diag);
/* Reads run_dir (and outlines from data_dir, NULL = skip): the files
 * parsed straight into the drawing data (tests compare it with
 * ln_activity_read_run + ln__act_from_agg). */
int ln__act_load(ln__act *a, const char *run_dir, const char *data_dir,
                 int quiet, ln_diag *diag);
void ln__act_free(ln__act *a);

/* Parses activity.geojson text (tests call this directly). */
int ln__act_parse_cells(ln__act *a, const char *buf, size_t len,
                        const char *fname, ln_diag *diag);

/* Parses summary.json text (scenario name; the time series into
 * a->ts_* when they are allocated and have a->nwin values) and
 * activity-sats.json text (a->nwin windows of sub-satellite points into
 * a->sats / a->sat_off), for a whose cells are already read. */
int ln__act_parse_summary(ln__act *a, const char *buf, size_t len,
                          const char *fname, ln_diag *diag);
int ln__act_parse_sats(ln__act *a, const char *buf, size_t len,
                       const char *fname, ln_diag *diag);

/* Perceptual colour scale (viridis), t in [0, 1] -> r, g, b in [0, 1]. */
void ln__act_viridis(double t, double rgb[3]);
/* Value -> t for the colour scale: log10(1 + v) / log10(1 + vmax). */
double ln__act_scale(double v, double vmax);

/* "2022-10-09 00:00" (UTC) */
void ln__act_fmt_time(double t_unix_s, char *buf, size_t n);
/* The default title: "<scenario>: <start> - <end> UTC". */
void ln__act_title(const ln__act *a, char *buf, size_t n);

/* Draws the map of the whole run (window -1) or of one window into a new
 * RGB24 image surface *out (the caller destroys it); path only names the
 * output in messages. */
int ln__act_draw(const ln__act *a, const char *path, const char *title,
                 int width_px, long window, cairo_surface_t **out /* OUT */,
                 ln_diag *diag);
int ln__act_write_png(const ln__act *a, const char *path,
                      const char *title, int width_px, long window,
                      ln_diag *diag);
/* The windows 0, every, 2 every, ... as one animated GIF (giflib), at
 * width_px, delay_cs hundredths of a second per frame, looping. */
int ln__act_write_gif(const ln__act *a, const char *path, const char *title,
                      int width_px, int every, int delay_cs, ln_diag *diag);
/* The PNG's world file (six lines), and its .prj (ESRI WKT of WGS 84
 * geographic; aux 1: the same system as GDAL's activity.png.aux.xml,
 * which GDAL and QGIS read for a PNG), written to f; the caller checks
 * and closes f. */
void ln__act_write_pgw(const ln__act *a, FILE *f, int width_px);
void ln__act_write_prj(FILE *f, int aux);
/* The page, written to f (the caller checks and closes f). */
int ln__act_write_html(const ln__act *a, FILE *f, const char *title,
                       const char *tmpl_path, ln_diag *diag);

/* Map projection of the PNG: equirectangular, x scaled by cos(lat0). */
typedef struct ln__act_proj {
    double lon0, lat1;  /* top-left corner of the map, deg */
    double kx, ky;      /* px per degree of lon, of lat */
    double ox, oy;      /* map origin in the image, px */
    double w, h;        /* map size, px */
} ln__act_proj;
void ln__act_proj_make(const ln__act *a, double map_w_px,
                       ln__act_proj *p /* OUT */);

#endif
