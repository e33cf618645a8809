-- close() on a held socket in the middle of a 1 MiB reply: the socket
-- still ends ("disconnection"), and the program with it.
local port, ca = ...
local f = assert(io.open(ca, "rb")); tls.cert.verify(f:read("*a")); f:close()
local s = tls.createConnection()
s:on("connection", function(sck) sck:send("GET /big HTTP/1.0\r\n\r\n") end)
s:on("receive", function(sck, c)
  sck:hold()
  tmr.create():alarm(100, tmr.ALARM_SINGLE, function() sck:close() end)
end)
s:on("disconnection", function(sck, err) print("closed while held", err) end)
s:connect(tonumber(port), "localhost")
