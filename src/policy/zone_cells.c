/*
 * zone_cells.c - a zone made of H3 cells: glue between the cell code
 * (cell.h) and the zone sets (zone.h).
 *
 * A cell-id file (one id per line, like Starlink's published list of
 * resolution-5 cells) is read, its cells are merged into outline polygons
 * (ln_cell_outline), converted to degrees as (lon, lat) rings, and added
 * as one zone with ln_zoneset_add_polygons. The zone then answers exactly
 * "inside the union of these cells" (up to the boundary rule of
 * geofence.h), at the cost of an ordinary polygon zone.
 */
#include <math.h>

#include "leonet/cell.h"
#include "leonet/zone.h"

int ln_zoneset_add_cells(ln_zoneset *zs, const char *id, const char *name,
                         int action, int priority, double valid_from_unix_s,
                         double valid_until_unix_s, const ln_cell *cells,
                         size_t n, ln_diag *diag)
{
    ln_cell_poly *polys = NULL;
    size_t np = 0;
    if (n == 0)
        return ln_diag_set(diag, LN_EZONE, NULL, 0, 0, NULL,
                           "zone '%s' has no cells", id ? id : "");
    int st = ln_cell_outline(cells, n, &polys, &np);
    if (st)
        return ln_diag_set(diag, st, NULL, 0, 0, NULL,
                           "zone '%s': cannot outline its cells: %s",
                           id ? id : "", ln_strerror(st));
    size_t nr = 0;
    for (size_t p = 0; p < np; p++)
        nr += polys[p].nrings;
    ln_geo_polygon *gp = ln_calloc(np ? np : 1, sizeof *gp);
    ln_geo_ring *gr = ln_calloc(nr ? nr : 1, sizeof *gr);
    double **coords = ln_calloc(nr ? nr : 1, sizeof *coords);
    st = (gp && gr && coords) ? LN_OK : LN_ENOMEM;
    size_t k = 0;
    for (size_t p = 0; p < np && !st; p++) {
        gp[p].rings = gr + k;
        gp[p].nrings = polys[p].nrings;
        for (size_t r = 0; r < polys[p].nrings && !st; r++, k++) {
            const ln_cell_ring *cr = &polys[p].rings[r];
            coords[k] = ln_malloc(2 * cr->n * sizeof(double));
            if (!coords[k]) {
                st = LN_ENOMEM;
                break;
            }
            for (size_t i = 0; i < cr->n; i++) {
                coords[k][2 * i] = cr->lon_rad[i] * LN_RAD2DEG;
                coords[k][2 * i + 1] = cr->lat_rad[i] * LN_RAD2DEG;
            }
            gr[k].lonlat_deg = coords[k];
            gr[k].n = cr->n;
        }
    }
    if (st)
        ln_diag_set(diag, st, NULL, 0, 0, NULL, "out of memory");
    else
        st = ln_zoneset_add_polygons(zs, id, name, action, priority,
                                     valid_from_unix_s, valid_until_unix_s,
                                     gp, np, 0, diag);
    for (size_t i = 0; coords && i < nr; i++)
        ln_free(coords[i]);
    ln_free(coords);
    ln_free(gr);
    ln_free(gp);
    ln_cell_polys_free(polys, np);
    return st;
}

int ln_zoneset_add_cells_file(ln_zoneset *zs, const char *path,
                              const char *id, const char *name, int action,
                              int priority, double valid_from_unix_s,
                              double valid_until_unix_s, ln_diag *diag)
{
    ln_cell *cells = NULL;
    size_t n = 0;
    int st = ln_cell_read_file(path, &cells, &n, diag);
    if (!st)
        st = ln_zoneset_add_cells(zs, id ? id : path, name, action, priority,
                                  valid_from_unix_s, valid_until_unix_s,
                                  cells, n, diag);
    ln_free(cells);
    return st;
}
