-- 100 consecutive send() calls from one callback against an echo server
-- (iotls listen): all arrive in order, "sent" fires once per send.
local port, ca = ...
local f = assert(io.open(ca, "rb")); tls.cert.verify(f:read("*a")); f:close()

local expected, sent_count = {}, 0
for i = 1, 100 do expected[i] = string.format("message %03d|", i) end
local want = table.concat(expected)
local got = {}
local s = tls.createConnection()
s:on("connection", function(sck)
  for i = 1, 100 do sck:send(expected[i]) end
end)
s:on("sent", function(sck) sent_count = sent_count + 1 end)
s:on("receive", function(sck, c)
  got[#got + 1] = c
  local all = table.concat(got)
  if #all >= #want then
    print("echo " .. (all == want and "in order" or "WRONG"), #all)
    sck:close()
  end
end)
s:on("disconnection", function(sck, err) print("sent callbacks", sent_count, "err", err) end)
s:connect(tonumber(port), "localhost")
