// neighbours.js - extracts the countries around Ukraine from world-atlas
// (Natural Earth 1:50m admin-0, TopoJSON) as GeoJSON on stdout, for
// clip_neighbours.py. Run from a directory where
// `npm install world-atlas@2.0.2 topojson-client@3.1.0` was done:
//   node neighbours.js > /tmp/nb.geojson
// Provenance and licences: ../outlines/README.md.
"use strict";
const topo = require("world-atlas/countries-50m.json");
const { feature } = require("topojson-client");
// ISO 3166-1 numeric ids: every country touching the map's box except
// Ukraine itself (drawn from ukraine_ne10m_dejure.geojson).
const ids = new Set(["040", "070", "100", "112", "191", "203", "233", "268",
  "300", "348", "380", "428", "440", "498", "499", "616", "642", "643", "688",
  "703", "705", "705", "792", "807", "008", "246", "276", "051", "031", "364",
  "398", "196", "-99", "031"]);
const fc = feature(topo, topo.objects.countries);
fc.features = fc.features.filter(f => ids.has(String(f.id)));
process.stdout.write(JSON.stringify(fc));
