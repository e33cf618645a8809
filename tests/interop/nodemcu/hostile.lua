-- A script that abuses the modules: every abuse must end in a Lua error or
-- be ignored, never in a crash, and the legitimate connection must finish.
local port, ca = ...
local f = assert(io.open(ca, "rb")); tls.cert.verify(f:read("*a")); f:close()

-- 1. unbounded recursion inside a callback (a Lua stack overflow)
local function deep(n) return deep(n + 1) + 1 end
-- 2. a socket whose every callback raises, and that is closed repeatedly
local bad = tls.createConnection()
bad:on("dns", function() error("dns callback raises") end)
bad:on("connection", function(sck) sck:close(); sck:close(); deep(1) end)
bad:on("disconnection", function(sck) sck:close(); sck:send("after end"); error("late") end)
bad:connect(tonumber(port), "localhost")
bad = nil -- dropped while connecting: it must stay alive until it ends

-- 3. the good connection, with callbacks swapped and removed on the way
local good = tls.createConnection()
local replies = 0
good:on("connection", function(sck)
  sck:on("connection", nil)
  sck:send(string.rep("x", 100000)) -- larger than iotls's send queue
end)
good:on("receive", function(sck, c)
  replies = replies + #c
  if replies >= 100000 then
    sck:on("receive", nil)
    sck:close()
  end
end)
good:on("disconnection", function() print("good connection ended", replies) end)
good:connect(tonumber(port), "localhost")
good = nil
collectgarbage("collect")

-- 4. a timer that errors every time, stopped by another timer
local noisy = tmr.create()
noisy:alarm(10, tmr.ALARM_AUTO, function() error("timer raises") end)
tmr.create():alarm(60, tmr.ALARM_SINGLE, function() noisy:unregister() end)
-- 5. a posted task that raises, and a JSON bomb
node.task.post(function() sjson.decode(string.rep("[", 500000)) end)
print("script body done")
