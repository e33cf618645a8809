-- One TLS request the NodeMCU way, configured by arguments (test script):
--   port host verify auth request
-- verify: off | pem:FILE[,FILE...] | stored | cb:FILE[,FILE...] | cbder:FILE | cbnone
-- auth:   none | pem:CHAIN,KEY | stored | cb:CHAIN,KEY
-- request: what to send once connected (\n in it stands for CR LF)
local port, host, verify, auth, request = ...

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

local function files(spec)
  local list = {}
  for p in spec:gmatch("[^,]+") do list[#list + 1] = slurp(p) end
  return list
end

local function cert_setup(fn, spec)
  if spec == "off" or spec == "none" then
    print(fn .. "(false)", fn == "verify" and tls.cert.verify(false) or tls.cert.auth(false))
  elseif spec == "stored" then
    print(fn .. "(true)", tls.cert[fn](true))
  elseif spec == "cbnone" then
    print(fn .. "(callback)", tls.cert[fn](function(k) return nil end))
  elseif spec:sub(1, 4) == "pem:" then
    local l = files(spec:sub(5))
    print(fn .. "(pem)", tls.cert[fn]((unpack or table.unpack)(l)))
  elseif spec:sub(1, 6) == "cbder:" then
    local der = slurp(spec:sub(7))
    print(fn .. "(callback der)", tls.cert[fn](function(k) if k == 1 then return der end end))
  elseif spec:sub(1, 3) == "cb:" then
    local l = files(spec:sub(4))
    if fn == "auth" then
      -- auth: k = 0 is the key, 1.. the chain
      print("auth(callback)", tls.cert.auth(function(k) if k == 0 then return l[2] end
        if k == 1 then return l[1] end end))
    else
      print("verify(callback)", tls.cert.verify(function(k) return l[k] end))
    end
  end
end

cert_setup("verify", verify)
cert_setup("auth", auth)

local got, chunks = {}, 0
local s = tls.createConnection()
s:on("dns", function(sck, ip) print("dns", ip) end)
s:on("connection", function(sck)
  local ip, p = sck:getpeer()
  print("connected", ip, p)
  sck:send((request:gsub("\\n", "\r\n")))
end)
s:on("receive", function(sck, c) chunks = chunks + 1; got[#got + 1] = c end)
s:on("sent", function(sck) print("sent") end)
s:on("disconnection", function(sck, err)
  local body = table.concat(got)
  print("disconnection", err, #body, chunks)
  print("body:" .. body:sub(1, 200))
  print("getpeer after end", sck:getpeer())
end)
s:on("reconnection", function(sck, err) print("reconnection", err) end)
s:connect(tonumber(port), host)
