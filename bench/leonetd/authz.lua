-- authz.lua - wrk script for bench/leonetd (a): GET
-- /v1/terminals/{id}/authorization?lat=&lon= rotating over LN_NTERM
-- terminals (UT + 8 digits, leonetd seed's names) and random positions
-- uniform in lat 44..52.5, lon 22..40.5 (the box postgis.sh draws from).
-- Each thread pre-builds 65,536 requests at init so that the client's
-- own cost per request is a table look-up.
-- env: LN_TOKEN (bearer token), LN_NTERM (default 100000)
local token = os.getenv("LN_TOKEN") or ""
local nterm = tonumber(os.getenv("LN_NTERM") or "100000")
local N = 65536
local reqs = {}
local i = 0
local threads = {}
local nthreads = 0

function setup(thread)
   thread:set("tid", nthreads)
   nthreads = nthreads + 1
   table.insert(threads, thread)
end

function init(args)
   math.randomseed(1000 + (tid or 0))
   wrk.headers["Authorization"] = "Bearer " .. token
   for k = 1, N do
      local path = string.format(
         "/v1/terminals/UT%08d/authorization?lat=%.6f&lon=%.6f",
         math.random(0, nterm - 1), 44 + math.random() * 8.5,
         22 + math.random() * 18.5)
      reqs[k] = wrk.format("GET", path)
   end
end

function request()
   i = i % N + 1
   return reqs[i]
end
