-- NodeMCU 2.x shape: a static timer polls for an IP address, then opens the
-- socket with the legacy tls.createConnection(net.TCP, 1) and chats with an
-- echo server; a second static timer gives up after a while.
local port = ...
local replies = 0
tmr.alarm(0, 100, tmr.ALARM_AUTO, function()
  if wifi.sta.getip() == nil then
    print("waiting for IP")
    return
  end
  tmr.stop(0)
  print("IP " .. wifi.sta.getip())
  conn = tls.createConnection(net.TCP, 1)
  conn:on("receive", function(sck, payload)
    replies = replies + 1
    print("reply " .. replies .. ": " .. payload)
    if replies < 3 then sck:send("ping " .. (replies + 1)) else sck:close() end
  end)
  conn:on("connection", function(sck) sck:send("ping 1") end)
  conn:on("disconnection", function(sck)
    print("closed after " .. replies .. " replies")
    tmr.stop(1)
  end)
  conn:connect(port, "127.0.0.1")
end)
tmr.alarm(1, 20000, tmr.ALARM_SINGLE, function() print("gave up") end)
