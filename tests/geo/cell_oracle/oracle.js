#!/usr/bin/env node
/*
 * oracle.js - reference data from h3-js for tests/geo/test_cell_oracle.c,
 * written to stdout as little-endian binary records (see below).
 *
 * usage: node oracle.js MODE N SEED
 *   ids    N random points, uniform on the sphere: lat, lon (f64 deg),
 *          then the cell at each resolution 0..15 (16 x u64)
 *   edges  N points near the icosahedron's edges and vertices (1e-12 to
 *          1e-4 rad off the arcs between adjacent pentagon centres, both
 *          sides), same record as ids
 *   edges-exact  N points on those arcs (to rounding), same record
 *   bnd    N random cells (random point, random res 0..15), then the 192
 *          pentagons: id u64, n f64, 10 x (lat, lon) f64 deg
 *   disk   N random cells with k in 0..4, then each pentagon with k 1..3:
 *          id u64, k u64, count u64, count x u64
 *   hier   N random cells, then each pentagon: id u64, pres u64, parent
 *          u64, cres u64, count u64, count x u64 (children in h3's order)
 *   polyfill FILE RES   text: polygonToCells of each polygon in a GeoJSON
 *          file (GeoJSON [lon, lat] order), sorted ids, one per line
 * h3-js (npm, Apache-2.0) is the reference implementation of H3.
 */
'use strict';
const h3 = require('h3-js');

const [mode, nArg, seedArg] = process.argv.slice(2);
const N = Number(nArg || 1000);
let seed = (Number(seedArg || 1) >>> 0) || 1;
function rnd() { /* mulberry32 */
  seed = (seed + 0x6D2B79F5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const R2D = 180 / Math.PI;
function randomPoint() {
  return [Math.asin(2 * rnd() - 1) * R2D, 360 * rnd() - 180];
}

const chunks = [];
let pending = 0;
function emit(buf) {
  chunks.push(buf);
  pending += buf.length;
  if (pending > (1 << 22)) flush();
}
function flush() {
  if (chunks.length) process.stdout.write(Buffer.concat(chunks));
  chunks.length = 0;
  pending = 0;
}
const big = (id) => BigInt('0x' + id);

function recIds(lat, lon) {
  const b = Buffer.alloc(16 + 16 * 8);
  b.writeDoubleLE(lat, 0);
  b.writeDoubleLE(lon, 8);
  for (let r = 0; r <= 15; r++)
    b.writeBigUInt64LE(big(h3.latLngToCell(lat, lon, r)), 16 + 8 * r);
  emit(b);
}
function recBnd(id) {
  const b = Buffer.alloc(16 + 160);
  const v = h3.cellToBoundary(id);
  b.writeBigUInt64LE(big(id), 0);
  b.writeDoubleLE(v.length, 8);
  v.forEach((p, i) => {
    b.writeDoubleLE(p[0], 16 + 16 * i);
    b.writeDoubleLE(p[1], 24 + 16 * i);
  });
  emit(b);
}
function recList(head, list) {
  const b = Buffer.alloc(8 * (head.length + 1 + list.length));
  head.forEach((x, i) => b.writeBigUInt64LE(BigInt(x), 8 * i));
  b.writeBigUInt64LE(BigInt(list.length), 8 * head.length);
  list.forEach((id, i) =>
    b.writeBigUInt64LE(big(id), 8 * (head.length + 1 + i)));
  emit(b);
}
function randomCell() {
  const [lat, lon] = randomPoint();
  return h3.latLngToCell(lat, lon, Math.floor(16 * rnd()));
}
const pentagons = [];
for (let r = 0; r <= 15; r++) pentagons.push(...h3.getPentagons(r));

/* unit vectors and slerp for the edge points */
const toV = ([la, lo]) => {
  const a = la / R2D, o = lo / R2D;
  return [Math.cos(a) * Math.cos(o), Math.cos(a) * Math.sin(o), Math.sin(a)];
};
const toLL = (v) => {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [Math.asin(v[2] / n) * R2D, Math.atan2(v[1], v[0]) * R2D];
};
const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

if (mode === 'ids') {
  for (let n = 0; n < N; n++) recIds(...randomPoint());
} else if (mode === 'edges' || mode === 'edges-exact') {
  const EXACT = mode === 'edges-exact';
  const verts = h3.getPentagons(0).map((c) => toV(h3.cellToLatLng(c)));
  const edges = [];
  for (let a = 0; a < 12; a++)
    for (let b = a + 1; b < 12; b++)
      if (dot(verts[a], verts[b]) > 0.4) edges.push([verts[a], verts[b]]);
  if (edges.length !== 30) throw new Error('edges ' + edges.length);
  for (let n = 0; n < N; n++) {
    const [A, B] = edges[n % 30];
    const om = Math.acos(dot(A, B));
    /* every 4th point near a vertex; offsets across the edge from 1e-12
     * to 1e-4 rad, both sides (edges-exact: on the arc, to rounding) */
    const t = n % 4 === 0 ? rnd() * 1e-3 : rnd();
    const s0 = Math.sin((1 - t) * om) / Math.sin(om),
          s1 = Math.sin(t * om) / Math.sin(om);
    const p = [0, 1, 2].map((i) => s0 * A[i] + s1 * B[i]);
    const nrm = [A[1] * B[2] - A[2] * B[1], A[2] * B[0] - A[0] * B[2],
                 A[0] * B[1] - A[1] * B[0]];
    const nn = Math.hypot(...nrm);
    const off = (EXACT ? 0 : Math.pow(10, -4 - 8 * rnd())) *
                (rnd() < 0.5 ? -1 : 1);
    recIds(...toLL(p.map((x, i) => x + off * nrm[i] / nn)));
  }
} else if (mode === 'bnd') {
  for (let n = 0; n < N; n++) recBnd(randomCell());
  for (const p of pentagons) recBnd(p);
} else if (mode === 'disk') {
  for (let n = 0; n < N; n++) {
    const c = randomCell(), k = Math.floor(5 * rnd());
    recList([big(c), k], h3.gridDisk(c, k));
  }
  for (const p of pentagons)
    for (let k = 1; k <= 3; k++) recList([big(p), k], h3.gridDisk(p, k));
} else if (mode === 'hier') {
  const one = (c) => {
    const r = h3.getResolution(c);
    const pres = Math.floor((r + 1) * rnd());
    const cres = Math.min(15, r + Math.floor(4 * rnd()));
    recList([big(c), pres, big(h3.cellToParent(c, pres)), cres],
            h3.cellToChildren(c, cres));
  };
  for (let n = 0; n < N; n++) one(randomCell());
  for (const p of pentagons) one(p);
} else if (mode === 'polyfill') {
  /* text: the cells of each polygon of a GeoJSON file (argument N is the
   * file, SEED the resolution), sorted, one per line */
  const g = JSON.parse(require('fs').readFileSync(nArg, 'utf8'));
  const feats = g.type === 'FeatureCollection' ? g.features : [g];
  const out = new Set();
  for (const f of feats) {
    const geom = f.type === 'Feature' ? f.geometry : f;
    const polys = geom.type === 'Polygon' ? [geom.coordinates]
                                          : geom.coordinates;
    for (const p of polys)
      for (const c of h3.polygonToCells(p, Number(seedArg), true))
        out.add(c);
  }
  process.stdout.write([...out].sort().join('\n') + '\n');
} else {
  process.stderr.write('usage: oracle.js ids|edges|bnd|disk|hier N SEED\n' +
                       '       oracle.js polyfill FILE.geojson RES\n');
  process.exit(2);
}
flush();
