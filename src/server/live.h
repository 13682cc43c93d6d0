/*
 * live.h - leonetd's live activity map (docs/live.md): the same H3 cells
 * and windows as `leonet run`, counted from telemetry as it is ingested,
 * and the change events the page follows over Server-Sent Events.
 *
 *   live_map.c   the aggregate (live_map_*): spans of windows, counts,
 *                the changed cells, the event ring
 *   live.c       routes: /v1/map, /v1/map/windows, /v1/map/page,
 *                /v1/map/events (SSE), / and /map (the page); the ingest
 *                hook srv_live_reports
 *
 * Counting. A NEW report (not a duplicate) is one terminal-step, counted
 * as sim/tally.c counts one: kind ACTIVE, DENIED or OUTAGE
 * (ln_activity_kind of the status: the daemon's refusal when it refused,
 * else the terminal's link state), one unit of that kind and one of
 * present, in the cell of its position (H3, map_res) and the window of
 * its time t_unix_s. Windows are aligned on multiples of window_s from
 * the Unix epoch, as `leonet run` aligns them for a scenario that starts
 * at a window boundary (the built-in day starts at 00:00 UTC). A count /
 * per_terminal (= window_s / step_s, steps of 15 s: 60) is the mean
 * number of terminals over the window, as activity.geojson carries it.
 *
 * Spans. Windows are kept in spans of whole days (span_s = window_s *
 * ceil(86400 / window_s), aligned on the epoch: UTC days for windows
 * that divide a day), at most LIVE_SPANS of them (the newest; a report
 * older than all of them when they are full is not counted, nor one
 * timed more than LIVE_AHEAD_S after the daemon's clock, which would push
 * real days out: live_map_stats' dropped). Memory: 16 bytes a cell and window + 1 byte
 * (changed flag), so a day of 96 windows x 5,000 cells is 8.2 MB.
 *
 * Events. live_map_flush turns the cells changed since the last flush
 * into events (one per span touched), numbered 1, 2, ... within this
 * daemon's life; their id is "<boot>-<n>" (boot: the daemon's start,
 * Unix ms, hex), so an id from an earlier run is never taken for one of
 * this run. The last LIVE_EVENTS events (at most LIVE_EVENT_BYTES in all)
 * are kept for clients that reconnect with Last-Event-ID.
 *
 * Threads. Every function takes the map's mutex; ingest computes cells
 * outside it.
 */
#ifndef LN_SERVER_LIVE_H
#define LN_SERVER_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "leonet/activity.h"
#include "leonet/store.h"

#define LIVE_SPANS 8                 /* days kept in memory */
#define LIVE_EVENTS 1024             /* events kept for reconnection */
#define LIVE_EVENT_BYTES (32u << 20) /* their bytes at most */
#define LIVE_AHEAD_S 86400.0        /* reports timed later than now + this
                                        are not counted (clock errors) */
#define LIVE_STEP_S 15.0             /* a terminal reports every 15 s
                                        (the built-in scenario's step) */

typedef struct live_map live_map;

/* A new map: windows of window_s (> 0), cells at res (0..15), counts in
 * units of 1/(window_s / step_s) terminal. Status 0, LN_EINVAL,
 * LN_ENOMEM. */
int live_map_new(double window_s, double step_s, int res,
                 live_map **out /* OUT */);
void live_map_free(live_map *m);

/* Counts the reports r[k] with is_new[k] != 0 (is_new NULL: all). */
void live_map_add(live_map *m, const ln_st_report *r, const uint8_t *is_new,
                  size_t n);

/* The geometry of windows: their length, the windows of a span, the
 * span's length (s). */
double live_map_window_s(const live_map *m);
long live_map_span_windows(const live_map *m);
double live_map_span_s(const live_map *m);

/* The start (Unix s) of the newest span holding a report, or of the span
 * of now_unix_s when none does. */
double live_map_latest_span(live_map *m, double now_unix_s);

/* live_map_range
 * Given:    from_unix_s   start of the first window (a window boundary)
 *           nwin          windows (1..LN_ACTIVITY_MAX_WINDOWS)
 *           name          the aggregate's name (files: "<name> activity")
 * Returned: out           a new aggregate holding those windows' counts
 *                         (ln_activity_free); windows outside the spans
 *                         kept are empty
 *           event_id      the id of the last event whose changes it holds
 *                         (changes after it may be in it too: events
 *                         carry absolute values), LIVE_ID_LEN bytes
 *           latest        the newest window (of the range) with a report,
 *                         -1 none; may be NULL
 * Status:   0, LN_EINVAL (from not on a boundary, nwin), LN_ENOMEM */
#define LIVE_ID_LEN 40
int live_map_range(live_map *m, double from_unix_s, long nwin,
                   const char *name, ln_activity **out /* OUT */,
                   char *event_id /* OUT */, long *latest /* OUT */);

/* Turns the changes since the last flush into events when at least
 * min_interval_s (monotonic) passed since the last one. Returns the
 * number of events made. */
int live_map_flush(live_map *m, double min_interval_s);

/* Forgets the changes since the last flush without making an event (the
 * reports counted at start: clients load the map whole). */
void live_map_settle(live_map *m);

/* live_map_cursor
 * Given:    last_id   a client's Last-Event-ID, or NULL / "" for none
 * Returned: next      the number of the next event to send it: after
 *                     last_id when it is this run's and still kept; else
 *                     after the newest (and *reset = 1 when last_id was
 *                     given: the client must fetch the whole map again) */
void live_map_cursor(live_map *m, const char *last_id,
                     uint64_t *next /* OUT */, int *reset /* OUT */);

/* live_map_next
 * Given:    next       the number wanted
 *           wait_s     how long to wait for it at most (0: do not wait)
 * Returned: text       the event as SSE text ("id: ...\nevent: cells\n
 *                      data: ...\n\n"), malloc'd (ln_free), *len bytes;
 *                      or a "reset" event when `next` is no longer kept
 *                      (the client fell behind), *next moved past it
 * Status:   1 an event, 0 none yet, LN_ENOMEM */
int live_map_next(live_map *m, uint64_t *next /* IN/OUT */, double wait_s,
                  char **text /* OUT */, size_t *len /* OUT */);

/* A "reset" event (the client reloads the whole map) with the current
 * id. Status 0, LN_ENOMEM. */
int live_map_reset_event(live_map *m, char **text /* OUT */,
                         size_t *len /* OUT */);

/* Wakes every waiting live_map_next (shutdown); later waits return at
 * once. */
void live_map_stop(live_map *m);

/* ---- live.c, live_zones.c: the part's hooks (srv_parts' row "live") -- */
struct srv;
int srv_live_init(struct srv *s);
void srv_live_fini(struct srv *s);
/* The zones in force as one GeoJSON FeatureCollection text for the page
 * (properties action, name): GeoJSON zones as uploaded, cell-list zones
 * as their cells' outlines. *text is malloc'd (free). 0, LN_ENOMEM, or
 * the store's status. */
int live_zones_text(struct srv *s, char **text /* OUT */,
                    size_t *len /* OUT */);

typedef struct live_map_stats {
    uint64_t counted;   /* reports counted */
    uint64_t dropped;   /* older than the spans kept, or in the future */
    uint64_t bad;       /* no cell for the position */
    uint64_t events;    /* events made */
} live_map_stats;
void live_map_get_stats(live_map *m, live_map_stats *out /* OUT */);

#endif
