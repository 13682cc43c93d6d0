// satjs_bench.mjs - the peer of "leonet bench propagate": satellite.js
// propagates the same TLEs at the same times (N one-minute steps from a
// start time) and prints, as its last line, propagations_per_s=<number>.
//
// usage: node satjs_bench.mjs --tle FILE --start ISO8601 [--minutes N]
//                             [--mode js|wasm|wasm-mt] [--threads N]
//   js       satellite.js' sgp4() in JavaScript, one call per satellite
//            and step (tsince from the set's epoch, as leonet does)
//   wasm     satellite.js 7's BulkPropagator (SGP4 compiled to WebAssembly)
//            with EciBaseCalculator only, single-thread runtime
//   wasm-mt  the same on the multi-thread runtime (--threads workers)
// One untimed pass over a few steps warms the JIT first.
import { readFileSync } from 'node:fs';
import {
  twoline2satrec, sgp4, BulkPropagator, EciBaseCalculator,
  createSingleThreadRuntime, createMultiThreadRuntime,
} from 'satellite.js';

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}

const file = arg('tle');
const start = arg('start');
const minutes = parseInt(arg('minutes', '1440'), 10);
const mode = arg('mode', 'js');
const threads = parseInt(arg('threads', '2'), 10);
if (!file || !start || !(minutes > 0)) {
  console.error('usage: node satjs_bench.mjs --tle FILE --start ISO8601 ' +
                '[--minutes N] [--mode js|wasm|wasm-mt] [--threads N]');
  process.exit(2);
}

// TLE file: 2- or 3-line sets
const lines = readFileSync(file, 'utf8').split(/\r?\n/);
const sats = [];
for (let i = 0; i < lines.length; i++) {
  const l = lines[i];
  if (l.startsWith('1 ') && i + 1 < lines.length &&
      lines[i + 1].startsWith('2 ')) {
    sats.push(twoline2satrec(l, lines[i + 1]));
    i++;
  }
}
const n = sats.length;
const t0ms = Date.parse(start);
if (Number.isNaN(t0ms)) {
  console.error(`bad --start '${start}'`);
  process.exit(2);
}
const t0jd = t0ms / 86400000 + 2440587.5;

let elapsed;
let cpu; // CPU seconds of the process (all threads, JIT and GC included)
let nfail = 0;
const cpuSeconds = (c) => {
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1e6;
};
if (mode === 'js') {
  // tsince of each set at the start time, minutes
  const base = sats.map((s) => (t0jd - s.jdsatepoch) * 1440.0);
  const pass = (steps) => {
    let f = 0;
    for (let m = 0; m < steps; m++) {
      for (let i = 0; i < n; i++) {
        const pv = sgp4(sats[i], base[i] + m);
        if (!pv || !pv.position) f++;
      }
    }
    return f;
  };
  pass(Math.min(minutes, 20)); // warm-up
  const c = process.cpuUsage();
  const t = process.hrtime.bigint();
  nfail = pass(minutes);
  elapsed = Number(process.hrtime.bigint() - t) / 1e9;
  cpu = cpuSeconds(c);
} else if (mode === 'wasm' || mode === 'wasm-mt') {
  const runtime = mode === 'wasm'
    ? await createSingleThreadRuntime()
    : await createMultiThreadRuntime({ threadsCount: threads });
  const chunk = Math.min(minutes, 60); // dates per run: bounded output
  const prop = new BulkPropagator({
    runtime,
    calculators: [new EciBaseCalculator()],
    satRecsCount: n,
    datesCount: chunk,
  });
  prop.setSatRecs(sats);
  const datesFrom = (m0, k) =>
    Array.from({ length: k }, (_, j) => new Date(t0ms + (m0 + j) * 60000));
  prop.setDates(datesFrom(0, chunk));
  await prop.run(); // warm-up
  const c = process.cpuUsage();
  const t = process.hrtime.bigint();
  for (let m0 = 0; m0 < minutes; m0 += chunk) {
    const k = Math.min(chunk, minutes - m0);
    prop.setDates(datesFrom(m0, k));
    await prop.run();
    const err = prop.getRawOutput().eci.error;
    for (let i = 0; i < err.length; i++) if (err[i] !== 0) nfail++;
  }
  elapsed = Number(process.hrtime.bigint() - t) / 1e9;
  cpu = cpuSeconds(c);
  prop.dispose();
  // (runtime.dispose() exits the Emscripten runtime by throwing ExitStatus;
  // the process ends right after anyway)
} else {
  console.error(`unknown --mode '${mode}'`);
  process.exit(2);
}

const props = n * minutes;
console.log(`satellite.js ${mode}: satellites ${n}, steps ${minutes}` +
            (mode === 'wasm-mt' ? `, threads ${threads}` : ''));
console.log(`failed propagations: ${nfail}`);
console.log(`time: ${elapsed.toFixed(6)} s, ` +
            `${(elapsed * 1e9 / props).toFixed(2)} ns per propagation`);
console.log(`cpu time: ${cpu.toFixed(6)} s, ` +
            `${(props / cpu / 1e6).toFixed(2)} M propagations per cpu-second`);
console.log(`propagations_per_s=${Math.round(props / elapsed)}`);
