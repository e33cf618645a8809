-- An HTTPS GET the way NodeMCU scripts do it: the response arrives in
-- "receive" chunks of whatever size; the header is found across chunk
-- borders, then the body is counted and checked line by line (each 64-byte
-- line of the test server's /file starts with its offset in hex).
local host, path = ...
tls.cert.verify(function(k) if k == 1 then return file.getcontents("ca.pem") end end)

local buf, header, status, body_len, chunks, bad_lines = "", nil, nil, 0, 0, 0
local pending, line_off = "", 0 -- body bytes not yet forming a whole 64-byte line
local function check_lines(data)
  pending = pending .. data
  while #pending >= 64 do
    local line = pending:sub(1, 64)
    pending = pending:sub(65)
    if tonumber(line:sub(1, 8), 16) ~= line_off or line:sub(64) ~= "\n" then
      bad_lines = bad_lines + 1
    end
    line_off = line_off + 64
  end
end

local srv = tls.createConnection()
srv:on("connection", function(sck)
  sck:send("GET " .. path .. " HTTP/1.0\r\nHost: " .. host .. "\r\n\r\n")
end)
srv:on("receive", function(sck, c)
  chunks = chunks + 1
  if not header then
    buf = buf .. c
    local e = buf:find("\r\n\r\n", 1, true)
    if not e then return end
    header = buf:sub(1, e - 1)
    status = tonumber(header:match("^HTTP/%d%.%d (%d+)"))
    c = buf:sub(e + 4)
    buf = nil
  end
  body_len = body_len + #c
  check_lines(c)
end)
srv:on("disconnection", function(sck, err)
  print("status", status, "body", body_len, "chunks", chunks > 1, "bad lines", bad_lines, "err", err)
end)
srv:connect(443, host)
