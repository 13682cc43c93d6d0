#!/usr/bin/env node
/*
 * bench.js - h3-js latLngToCell per second on one core, for comparison
 * with "leonet bench cell" (bench/cell/run.sh runs both in one go).
 * usage: node bench.js RES [POINTS] [REPEAT] ; last line: cells_per_s=<n>
 * (best of REPEAT runs, default 3)
 * Points: uniform on the sphere (degrees, as h3-js takes them).
 */
'use strict';
const path = require('path');
const h3 = require(path.join(__dirname,
    '../../tests/geo/cell_oracle/node_modules/h3-js'));
const res = Number(process.argv[2] || 5);
const n = Number(process.argv[3] || 1000000);
const reps = Number(process.argv[4] || 3);
let s = 42;
const rnd = () => {            /* mulberry32, fixed seed */
  s = (s + 0x6D2B79F5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const lat = new Float64Array(n), lon = new Float64Array(n);
for (let i = 0; i < n; i++) {
  lat[i] = Math.asin(2 * rnd() - 1) * 180 / Math.PI;
  lon[i] = 360 * rnd() - 180;
}
let best = Infinity, chk = 0;
for (let rep = 0; rep < reps; rep++) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) chk ^= h3.latLngToCell(lat[i], lon[i], res).length;
  const dt = Number(process.hrtime.bigint() - t0) * 1e-9;
  best = Math.min(best, dt);
}
console.log(`h3-js ${require(path.join(__dirname,
    '../../tests/geo/cell_oracle/node_modules/h3-js/package.json')).version}` +
    ` res=${res} points=${n} best_s=${best.toFixed(4)} chk=${chk}`);
console.log(`cells_per_s=${Math.round(n / best)}`);
