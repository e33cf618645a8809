-- From a stock interpreter: require the modules, then run the loop
-- explicitly (NodeMCU would do that after init.lua returns).
local port, ca = ...
local nodemcu = require("nodemcu")
local f = assert(io.open(ca, "rb")); tls.cert.verify(f:read("*a")); f:close()
local s = tls.createConnection()
s:on("connection", function(sck) sck:send("hello from require") end)
s:on("receive", function(sck, c) print("echo: " .. c); sck:close() end)
local ticks = 0
tmr.create():alarm(10, tmr.ALARM_SINGLE, function() ticks = ticks + 1 end)
s:connect(tonumber(port), "localhost")
local restarted = nodemcu.run()
print("loop done", restarted, ticks, nodemcu.errors())
