-- An error inside one connection's callback is reported with its
-- traceback; the other connection carries on (echo server: iotls listen).
local port, ca = ...
local f = assert(io.open(ca, "rb")); tls.cert.verify(f:read("*a")); f:close()

local function inner_failure(c)
  error("boom in receive for " .. #c .. " bytes")
end
local a_failed = false
local function handle(sck, c) a_failed = true; inner_failure(c) end

local a = tls.createConnection()
a:on("connection", function(sck) sck:send("A says hi") end)
a:on("receive", handle)
a:on("disconnection", function() print("A ended") end)

local b = tls.createConnection()
local n = 0
b:on("connection", function(sck) sck:send("B ping 1") end)
b:on("receive", function(sck, c)
  n = n + 1
  print("B got", c)
  -- keep going at least until A's callback has failed
  if (n < 3 or not a_failed) and n < 10000 then sck:send("B ping " .. (n + 1)) else sck:close() end
end)
b:on("disconnection", function() print("B done", n >= 3, a_failed); a:close() end)

a:connect(tonumber(port), "localhost")
b:connect(tonumber(port), "localhost")
