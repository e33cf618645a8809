-- Misuse of every module gives a Lua error with a clear message (test script).
local client_cert, other_key, ca = ...
local function slurp(path)
  local f = assert(io.open(path, "rb")); local s = f:read("*a"); f:close(); return s
end

local n, bad = 0, 0
local function expect_error(name, pattern, fn, ...)
  local ok, err = pcall(fn, ...)
  n = n + 1
  if ok then
    print("FAIL " .. name .. ": no error"); bad = bad + 1
  elseif not tostring(err):find(pattern, 1, true) then
    print("FAIL " .. name .. ": " .. tostring(err)); bad = bad + 1
  else
    print("ok " .. name .. ": " .. tostring(err))
  end
end
local f = function() end
local s = tls.createConnection()

expect_error("connect port 0", "port must be 1..65535", s.connect, s, 0, "localhost")
expect_error("connect port text", "port must be an integer", s.connect, s, "https", "localhost")
expect_error("connect port fraction", "a fraction", s.connect, s, 1.5, "localhost")
expect_error("connect no host", "string expected", s.connect, s, 443)
expect_error("connect empty host", "invalid domain", s.connect, s, 443, "")
expect_error("on unknown event", "invalid method", s.on, s, "data", f)
expect_error("on bad callback", "invalid callback function", s.on, s, "receive", 42)
expect_error("send nothing", "string expected", s.send, s)
expect_error("send table", "string expected", s.send, s, {})
expect_error("method on another object", "tls.socket expected", s.send, {}, "x")
expect_error("createConnection type", "number expected", tls.createConnection, "tcp")
expect_error("verify number", "boolean, PEM string or function expected", tls.cert.verify, 42)
expect_error("verify text", "neither PEM", tls.cert.verify, "hello")
expect_error("verify broken base64", "invalid PEM", tls.cert.verify,
  "-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n")
expect_error("verify key instead of certificate", "no PEM CERTIFICATE block",
  tls.cert.verify, slurp(other_key))
expect_error("verify DER garbage", "tls.cert.verify", tls.cert.verify, "\48\3\1\1\1")
expect_error("verify second argument", "PEM string expected", tls.cert.verify, slurp(ca), 7)
expect_error("verify true, flash empty", "no certificates found", tls.cert.verify, true)
expect_error("auth one string", "two PEM strings expected", tls.cert.auth, slurp(client_cert))
expect_error("auth bad key", "neither PEM", tls.cert.auth, slurp(client_cert), "nope")
expect_error("auth key of another certificate", "tls.cert.auth", tls.cert.auth,
  slurp(client_cert), slurp(other_key))
expect_error("auth true, flash empty", "no certificates found", tls.cert.auth, true)
expect_error("setDebug text", "level must be an integer", tls.setDebug, "loud")

local s2 = tls.createConnection()
s2:on("reconnection", function(sck, err) print("s2 ended:", err) end)
s2:connect(1, "127.0.0.1")
expect_error("connect twice", "already connected", s2.connect, s2, 1, "127.0.0.1")

local t = tmr.create()
expect_error("tmr interval 0", "interval (ms) must be 1..", t.register, t, 0, tmr.ALARM_SINGLE, f)
expect_error("tmr mode", "mode (tmr.ALARM_SINGLE/AUTO/SEMI) must be 0..2", t.register, t, 10, 7, f)
expect_error("tmr no function", "function expected", t.register, t, 10, tmr.ALARM_SINGLE)
expect_error("tmr static id", "timer id must be 0..6", tmr.alarm, 7, 10, tmr.ALARM_SINGLE, f)
expect_error("gpio pin", "pin must be 0..12", gpio.write, 13, 1)
gpio.mode(2, gpio.OUTPUT)
expect_error("gpio trig without INT", "not in gpio.INT mode", gpio.trig, 2, "up", f)
expect_error("file ..", "'..' is not allowed", file.open, "../escape.txt", "w")
expect_error("file absolute", "absolute names are not allowed", file.open, "/etc/passwd")
expect_error("file mode", "mode must be", file.open, "x.txt", "rw")
expect_error("sjson too deep", "nesting deeper", sjson.decode, string.rep("[", 100000))
local cyc = {}; cyc.self = cyc
expect_error("sjson cycle", "nesting too deep", sjson.encode, cyc)
expect_error("sjson function", "cannot encode a value of type function", sjson.encode, {f = f})
expect_error("sjson syntax", "unexpected character", sjson.decode, '{"a":}')
expect_error("sjson trailing", "text after the JSON value", sjson.decode, "[1] x")
expect_error("sjson unterminated", "unterminated string", sjson.decode, '["abc')
expect_error("uart id", "uart id must be 0..1", uart.write, 3, "x")
expect_error("task post", "function expected", node.task.post, "soon")
expect_error("net plain tcp", "only TLS sockets", net.createConnection, net.TCP, 0)
expect_error("dns no callback", "function expected", net.dns.resolve, "localhost")
print("checked", n, "failed", bad)
