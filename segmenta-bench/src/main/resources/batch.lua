-- wrk script: /v1/batch with 100 track events a request, every message id unique (a retry would be deduplicated,
-- not counted twice). The same events as TrackingBench's in-process generator. WRK_AUTH (base64 of "key:") and
-- WRK_RUN (a name unique to this wrk process) come from the environment.
-- Plain: each thread builds its bodies as it goes. With WRK_BODIES (a file prefix), thread t posts the gzipped
-- bodies TrackingBench prepared in WRK_BODIES .. t (each "<length>\n<bytes>"), with Content-Encoding: gzip, and
-- stops with an error rather than send one twice (unless WRK_WRAP is set: the HTTP-ceiling peer stores nothing).
local counter = 0
thread_id = 0
local auth = os.getenv("WRK_AUTH")
local run = os.getenv("WRK_RUN") or tostring(os.time())
local prefix = os.getenv("WRK_BODIES")
local wrap = os.getenv("WRK_WRAP") ~= nil
local per = 100
local threads = 0
local bodies = nil
local headers = nil

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  headers = {["Content-Type"] = "application/json", ["Authorization"] = "Basic " .. auth}
  if prefix then
    headers["Content-Encoding"] = "gzip"
    local f = assert(io.open(prefix .. thread_id, "rb"))
    local all = f:read("*a")
    f:close()
    bodies = {}
    local pos = 1
    while pos <= #all do
      local nl = string.find(all, "\n", pos, true)
      local len = tonumber(string.sub(all, pos, nl - 1))
      bodies[#bodies + 1] = string.sub(all, nl + 1, nl + len)
      pos = nl + 1 + len
    end
  end
end

local function built()
  local parts = {}
  for i = 1, per do
    local m = counter * per + i
    parts[i] = '{"type": "track", "userId": "u' .. (m % 50000) .. '", "messageId": "b-' .. run .. '-' .. thread_id .. '-' .. m ..
        '", "event": "Product Viewed", "properties": {"product_id": "p' .. (m % 997) .. '", "category": "shoes", "price": 49.5}}'
  end
  return '{"batch": [' .. table.concat(parts, ",") .. ']}'
end

function request()
  counter = counter + 1
  local body
  if bodies then
    body = bodies[counter]
    if body == nil and wrap then
      body = bodies[(counter - 1) % #bodies + 1]
    end
    if body == nil then
      error("thread " .. thread_id .. " has sent all " .. #bodies .. " prepared bodies; prepare more")
    end
  else
    body = built()
  end
  return wrk.format("POST", "/v1/batch", headers, body)
end
