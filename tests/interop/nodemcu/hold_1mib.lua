-- hold()/unhold() with a 1 MiB reply: nothing is delivered while held,
-- and the process does not grow by the reply's size meanwhile.
local port, ca, path, hold_ms = ...
local f = assert(io.open(ca, "rb")); tls.cert.verify(f:read("*a")); f:close()

local function rss_kib()
  local st = io.open("/proc/self/status")
  if not st then return -1 end
  local v = st:read("*a"):match("VmRSS:%s*(%d+)")
  st:close()
  return tonumber(v)
end

local total, held_at, rss_at = 0, nil, nil
local s = tls.createConnection()
s:on("connection", function(sck) sck:send("GET " .. path .. " HTTP/1.0\r\n\r\n") end)
s:on("receive", function(sck, c)
  total = total + #c
  if not held_at and total > 64 * 1024 then
    sck:hold()
    held_at, rss_at = total, rss_kib()
    print("held at", held_at, "rss", rss_at)
    tmr.create():alarm(tonumber(hold_ms), tmr.ALARM_SINGLE, function()
      print("still held", total, "rss", rss_kib(), "grew", rss_kib() - rss_at)
      sck:unhold()
    end)
  end
end)
s:on("disconnection", function(sck, err) print("total", total, "err", err) end)
s:connect(tonumber(port), "localhost")
