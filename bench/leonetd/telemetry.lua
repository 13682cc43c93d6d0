-- telemetry.lua - wrk script for bench/leonetd (b): POST /v1/telemetry in
-- batches of LN_BATCH reports (default 1,000), each batch LN_BATCH
-- distinct terminals of LN_NTERM (UT + 8 digits), random positions in
-- the same box as authz.lua. Every report is new: seq = base + round *
-- 64 + thread (at most 64 threads), base from the clock at setup, so no two requests of
-- a run (or of two runs a second apart) repeat a (terminal, seq) pair and
-- every acknowledged report is a new durable row (run.sh counts them in
-- the SQLite file afterwards).
-- env: LN_TOKEN, LN_NTERM (default 100000), LN_BATCH (default 1000)
local token = os.getenv("LN_TOKEN") or ""
local nterm = tonumber(os.getenv("LN_NTERM") or "100000")
local batch = tonumber(os.getenv("LN_BATCH") or "1000")
local nblocks = math.floor(nterm / batch)
local blocks = {}
local c = 0
local nthreads = 0
local base0 = os.time() * 10000

function setup(thread)
   thread:set("tid", nthreads)
   thread:set("base", base0)
   nthreads = nthreads + 1
end

function init(args)
   math.randomseed(2000 + tid)
   wrk.headers["Authorization"] = "Bearer " .. token
   wrk.headers["Content-Type"] = "application/json"
   local now = os.time()
   for b = 0, nblocks - 1 do
      local parts = {}
      for k = 0, batch - 1 do
         parts[#parts + 1] = string.format(
            '{"terminal":"UT%08d","seq":SEQ,"t":%d,"lat":%.6f,' ..
            '"lon":%.6f,"alt_m":0,"bytes_down":%d,"bytes_up":%d,' ..
            '"latency_ms":%.1f,"link":"ok"}',
            b * batch + k, now, 44 + math.random() * 8.5,
            22 + math.random() * 18.5, math.random(0, 50000000),
            math.random(0, 5000000), 20 + math.random() * 40)
      end
      blocks[b + 1] = '{"reports":[' .. table.concat(parts, ",") .. ']}'
   end
end

function request()
   local b = c % nblocks
   local round = math.floor(c / nblocks)
   c = c + 1
   local seq = string.format("%d", base + round * 64 + tid)
   return wrk.format("POST", "/v1/telemetry", nil,
                     (string.gsub(blocks[b + 1], "SEQ", seq)))
end
