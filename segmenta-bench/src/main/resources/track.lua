-- wrk script: single /v1/track calls with unique message ids (a retry would be deduplicated, not counted twice).
-- WRK_AUTH (base64 of "key:") and WRK_PATH come from the environment; each thread numbers its own messages.
local counter = 0
thread_id = 0
local auth = os.getenv("WRK_AUTH")
local path = os.getenv("WRK_PATH") or "/v1/track"
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function request()
  counter = counter + 1
  local body = '{"userId": "u' .. (counter % 50000) .. '", "messageId": "w-' .. thread_id .. '-' .. counter .. '-' .. os.time() ..
      '", "event": "Product Viewed", "properties": {"product_id": "p' .. (counter % 997) .. '", "category": "shoes", "price": 49.5}}'
  return wrk.format("POST", path, {["Content-Type"] = "application/json", ["Authorization"] = "Basic " .. auth}, body)
end
