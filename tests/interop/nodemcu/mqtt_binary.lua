-- An MQTT 3.1.1 exchange over a tls socket, bytes built by hand as NodeMCU
-- scripts without the mqtt module do: CONNECT, SUBSCRIBE, PUBLISH to the
-- subscribed topic, read our own message back (binary payload with NUL and
-- 0xFF bytes), DISCONNECT. Incoming packets are reassembled across chunks.
local host, port = ...
tls.cert.verify(file.getcontents("ca.pem"))

local function u16(n) return string.char(math.floor(n / 256), n % 256) end
local function str(s) return u16(#s) .. s end
local function remaining(n)
  local out = ""
  repeat
    local b = n % 128
    n = math.floor(n / 128)
    if n > 0 then b = b + 128 end
    out = out .. string.char(b)
  until n == 0
  return out
end
local function packet(kind, body) return string.char(kind) .. remaining(#body) .. body end

local topic = "iotls/nodemcu/test"
local payload = "bin\0\1\2\255data" .. string.rep("x", 300)
local connect = packet(0x10, str("MQTT") .. string.char(4, 2) .. u16(60) .. str("nodemcu-iotls"))
local subscribe = packet(0x82, u16(1) .. str(topic) .. string.char(0))
local publish = packet(0x30, str(topic) .. payload)

local inbuf = ""
-- One whole packet from inbuf, or nil.
local function next_packet()
  if #inbuf < 2 then return nil end
  local len, mult, i = 0, 1, 2
  while true do
    local b = inbuf:byte(i)
    if not b then return nil end
    len = len + (b % 128) * mult
    mult = mult * 128
    i = i + 1
    if b < 128 then break end
  end
  if #inbuf < i - 1 + len then return nil end
  local kind, body = inbuf:byte(1), inbuf:sub(i, i - 1 + len)
  inbuf = inbuf:sub(i + len)
  return kind, body
end

local s = tls.createConnection()
s:on("connection", function(sck) sck:send(connect) end)
s:on("receive", function(sck, c)
  inbuf = inbuf .. c
  while true do
    local kind, body = next_packet()
    if not kind then break end
    if kind == 0x20 then
      print("connack", body:byte(2))
      sck:send(subscribe)
    elseif kind == 0x90 then
      print("suback", body:byte(3))
      sck:send(publish)
    elseif kind == 0x30 then
      local tl = body:byte(1) * 256 + body:byte(2)
      local t, data = body:sub(3, 2 + tl), body:sub(3 + tl)
      print("publish on", t, "payload intact", data == payload, #data)
      sck:send(string.char(0xE0, 0))
      sck:close()
    end
  end
end)
s:on("disconnection", function(sck, err) print("mqtt ended", err) end)
s:connect(tonumber(port), host)
