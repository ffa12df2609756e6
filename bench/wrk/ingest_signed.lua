-- wrk script: POST pre-signed, unique deliveries to WEBHOOK_PATH (default /webhooks/ghl) with
-- the signature in SIGNATURE_HEADER (default x-wh-signature; X-Jorge-Signature for Zillow and
-- Realtor.com, X-Hub-Signature-256 for Facebook).
-- Reads DELIVERIES ("signature<TAB>body" lines from bench/sign_deliveries); lines
-- [FIRST, FIRST+COUNT) are split among wrk's threads, so no delivery is sent twice.
-- Counts requests sent, 2xx, non-2xx; if a thread runs out it reports exhausted>0 and
-- stops sending new bodies (it resends its last one, which Jorge answers as a duplicate).
local path = os.getenv("DELIVERIES") or "deliveries.txt"
local first = tonumber(os.getenv("FIRST") or "1")
local count = tonumber(os.getenv("COUNT") or "100000")
local webhook_path = os.getenv("WEBHOOK_PATH") or "/webhooks/ghl"
local signature_header = os.getenv("SIGNATURE_HEADER") or "x-wh-signature"
local threads = {}
local requests = {}
local index = 0
sent, ok2xx, non2xx, exhausted = 0, 0, 0, 0

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
  thread:set("nthreads", 0)
end

function init(args)
  local nthreads = tonumber(os.getenv("WRK_THREADS") or "2")
  local line_number = 0
  for line in io.lines(path) do
    line_number = line_number + 1
    if line_number >= first + count then break end
    if line_number >= first and (line_number - first) % nthreads == tid then
      local tab = line:find("\t", 1, true)
      -- Whole requests are built here, once, so request() costs the load generator nothing
      -- but a table read: it shares the two cores with the server being measured.
      table.insert(requests, wrk.format("POST", webhook_path,
        { ["Content-Type"] = "application/json", [signature_header] = line:sub(1, tab - 1) }, line:sub(tab + 1)))
    end
  end
end

function request()
  sent = sent + 1
  if index < #requests then index = index + 1 else exhausted = exhausted + 1 end
  return requests[index]
end

function response(status, headers, body)
  if status >= 200 and status < 300 then ok2xx = ok2xx + 1 else non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local s, o, n, e = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    s = s + t:get("sent"); o = o + t:get("ok2xx"); n = n + t:get("non2xx"); e = e + t:get("exhausted")
  end
  io.write(string.format("INGEST_COUNTS sent=%d ok2xx=%d non2xx=%d exhausted=%d\n", s, o, n, e))
  local out = os.getenv("COUNTS_FILE")
  if out then
    local f = io.open(out, "w"); f:write(string.format("%d %d %d %d\n", s, o, n, e)); f:close()
  end
end
