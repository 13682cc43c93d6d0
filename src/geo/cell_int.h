/*
 * cell_int.h - private to the H3-compatible cell code (src/geo/cell_*.c):
 * IJK coordinates, the face/IJK representation of a cell, the derived
 * grid tables and the index bit layout.
 *
 * Coordinates (H3's): on each icosahedron face a 2D hexagonal grid with
 * its origin at the face centre and three axes i, j, k 120 degrees apart
 * (i toward a vertex of the face, j at +120 deg, k at +240 deg,
 * counter-clockwise seen from outside). A cell is (face, i, j, k), kept
 * normalised (all >= 0, at least one 0). At Class II resolutions (even)
 * the face's vertices are at (2*7^(r/2), 0, 0) etc.; Class III (odd)
 * resolutions are rotated by asin(sqrt(3/28)) and scaled by sqrt(7).
 */
#ifndef LN_CELL_INT_H
#define LN_CELL_INT_H

#include <stdint.h>

#include "leonet/cell.h"

/* ---- constants of the grid (mathematical, not tabulated) ------------ */
/* sqrt(7): the linear scale between resolutions */
#define LN__CELL_SQRT7 2.6457513110645905905016157536392604257102
/* sqrt(3)/2 */
#define LN__CELL_SQRT3_2 0.8660254037844386467637231707529361834714
/* 1/sin(60 deg) */
#define LN__CELL_RSIN60 1.1547005383792515290182975610039149112953
/* Class III rotation, asin(sqrt(3/28)) = atan(sqrt(3)/5) rad */
#define LN__CELL_AP7_ROT 0.333473172251832115336090755351601070065900389
/* Gnomonic length of one res-0 unit: the face-centre-to-vertex angle a of
 * the icosahedron has tan(a) = 3 - sqrt(5); the vertex is 2 units out, so
 * one unit is (3 - sqrt(5)) / 2 = 1/phi^2. */
#define LN__CELL_RES0_U_GNOMONIC 0.38196601125010500003
#define LN__CELL_EPS 0.0000000000000001 /* 1e-16, zero radius */

#define LN__CELL_NBASE 122
#define LN__CELL_NFACE 20

/* ---- index bits ------------------------------------------------------- */
#define LN__CELL_MODE_SHIFT 59
#define LN__CELL_RES_SHIFT 52
#define LN__CELL_BC_SHIFT 45
#define LN__CELL_INIT UINT64_C(0x00001fffffffffff) /* all digits 7 */

static inline int ln__cell_digit(ln_cell h, int r)
{
    return (int)((h >> ((15 - r) * 3)) & 7);
}
static inline ln_cell ln__cell_set_digit(ln_cell h, int r, int d)
{
    int s = (15 - r) * 3;
    return (h & ~((ln_cell)7 << s)) | ((ln_cell)d << s);
}
static inline int ln__cell_get_res(ln_cell h)
{
    return (int)((h >> LN__CELL_RES_SHIFT) & 15);
}
static inline int ln__cell_get_base(ln_cell h)
{
    return (int)((h >> LN__CELL_BC_SHIFT) & 127);
}

/* digits: 0 centre, 1 K, 2 J, 3 JK, 4 I, 5 IK, 6 IJ */
enum { LN__D_CENTER = 0, LN__D_K = 1, LN__D_J = 2, LN__D_JK = 3,
       LN__D_I = 4, LN__D_IK = 5, LN__D_IJ = 6, LN__D_INVALID = 7 };

/* ---- coordinates ------------------------------------------------------ */
typedef struct ln__ijk {
    int i, j, k;
} ln__ijk;
typedef struct ln__fijk {
    int face;   /* 0..19 */
    ln__ijk c;
} ln__fijk;
typedef struct ln__v2 {
    double x, y;
} ln__v2;

/* quadrants of a face: which edge an overage crosses */
enum { LN__Q_CENTER = 0, LN__Q_IJ = 1, LN__Q_KI = 2, LN__Q_JK = 3 };

/* How face f's frame maps into neighbour face across one edge: rotate
 * ccw by rot*60 deg, then add translate (res-0 units, scaled per res). */
typedef struct ln__face_orient {
    int face;
    ln__ijk translate;
    int rot;
} ln__face_orient;

/* One entry of the face/res-0 ijk -> base cell table. */
typedef struct ln__fbc {
    int8_t base;  /* base cell, -1 if unreachable */
    int8_t rot;   /* ccw 60-degree rotations into the home frame */
    int8_t cw;    /* pentagon: leave a K leading digit clockwise */
    int8_t pent;  /* 1 if base is a pentagon (copy of pent[base]) */
} ln__fbc;

/* Closest-face candidates on a coarse lat/lon grid: every face that is
 * the closest one anywhere in the grid cell (closed, plus a margin), in
 * increasing face order; n = 0 means "search all 20". */
#define LN__CELL_FG_NLAT 36 /* 5 deg rows from -90 deg */
#define LN__CELL_FG_NLON 72 /* 5 deg columns from -180 deg */
#define LN__CELL_FG_MAX 7
typedef struct ln__face_cand {
    uint8_t n;                    /* 0..LN__CELL_FG_MAX */
    uint8_t f[LN__CELL_FG_MAX];   /* faces, increasing */
} ln__face_cand;

/* The derived tables (built once by ln__cell_tables). */
typedef struct ln__cell_tab {
    double face_lat[20], face_lon[20];   /* face centres, rad */
    double face_sinlat[20], face_coslat[20];
    double face_pt[20][3];               /* unit vectors */
    double face_az[20];                  /* azimuth of the i axis, rad */
    double face_uv[2][20][2][3];         /* [class II/III][face]: unit
                                            tangent vectors of the hex2d
                                            x and y axes at the centre */
    double scale[16];                    /* hex2d units per gnomonic
                                            unit at each resolution */
    ln__face_orient nb[20][4];           /* [face][quadrant] */
    int8_t adj_dir[20][20];              /* quadrant of g seen from f, or
                                            -1 if not adjacent, 0 same */
    ln__fijk home[122];                  /* base cell home face + ijk */
    uint8_t pent[122];                   /* 1 for the 12 pentagons */
    ln__fbc fbc[20][3][3][3];            /* [face][i][j][k] at res 0 */
    ln__face_cand fgrid[LN__CELL_FG_NLAT][LN__CELL_FG_NLON];
} ln__cell_tab;

/* The tables, built on first use (thread-safe). NULL if the derivation
 * failed (a bug: the tests fail loudly). */
const ln__cell_tab *ln__cell_tables(void);

/* ---- ijk arithmetic (cell_coord.c) ------------------------------------ */
void ln__ijk_normalize(ln__ijk *c);
void ln__ijk_add(const ln__ijk *a, const ln__ijk *b, ln__ijk *s);
void ln__ijk_sub(const ln__ijk *a, const ln__ijk *b, ln__ijk *d);
void ln__ijk_scale(ln__ijk *c, int f);
void ln__ijk_rot60ccw(ln__ijk *c);
void ln__ijk_rot60cw(ln__ijk *c);
void ln__ijk_up_ap7r(ln__ijk *c);
void ln__ijk_down_ap7(ln__ijk *c);
void ln__ijk_down_ap7r(ln__ijk *c);
void ln__ijk_down_ap3(ln__ijk *c);
void ln__ijk_down_ap3r(ln__ijk *c);
void ln__ijk_neighbor(ln__ijk *c, int digit);
void ln__ijk_to_hex2d(const ln__ijk *c, ln__v2 *v);
void ln__hex2d_to_ijk(const ln__v2 *v, ln__ijk *c);
int ln__digit_rot60ccw(int d);
int ln__digit_rot60cw(int d);
static inline int ln__res_class3(int r) { return r & 1; }

/* geo <-> face plane (cell_coord.c) */
void ln__geo_to_vec3(double lat, double lon, double v[3]);
double ln__geo_azimuth(double lat1, double lon1, double lat2, double lon2);
void ln__geo_az_dist(double lat1, double lon1, double az, double dist,
                     double *lat2, double *lon2);
double ln__pos_angle(double a);
/* point -> hex2d on a given face (gnomonic extended past the face) */
void ln__geo_to_hex2d_face(const ln__cell_tab *t, double lat, double lon,
                           int face, int res, ln__v2 *v);
void ln__hex2d_to_geo(const ln__cell_tab *t, const ln__v2 *v, int face,
                      int res, int substrate, double *lat, double *lon);

/* ---- index <-> face ijk (cell_index.c) -------------------------------- */
/* overage results */
enum { LN__NO_OVERAGE = 0, LN__FACE_EDGE = 1, LN__NEW_FACE = 2 };
int ln__adjust_overage_c2(const ln__cell_tab *t, ln__fijk *f, int res,
                          int pent_leading4, int substrate);
/* face ijk at res -> digits of the index (no base cell) and the res-0
 * position p in the same face frame */
ln_cell ln__cell_digits(const ln__fijk *f, int res, ln__ijk *p);
/* digits + table entry -> index (rotated into the home frame) */
ln_cell ln__cell_with_base(ln_cell h, const ln__fbc *e, int pent);
/* index -> face ijk of its centre, with a given home for the base cell
 * (used by the table derivation to try candidates) */
void ln__cell_to_fijk_home(const ln__cell_tab *t, ln_cell h,
                           const ln__fijk *home, int pent, ln__fijk *f);
void ln__cell_to_fijk(const ln__cell_tab *t, ln_cell h, ln__fijk *f);
void ln__fijk_to_geo(const ln__cell_tab *t, const ln__fijk *f, int res,
                     double *lat, double *lon);
int ln__leading_digit(ln_cell h);
ln_cell ln__cell_rot60ccw(ln_cell h);
ln_cell ln__cell_rot60cw(ln_cell h);
ln_cell ln__cell_rot_pent60ccw(ln_cell h);

#endif
