-- A button on GPIO 5 triggers an HTTPS request (the shape of alarm/doorbell
-- scripts); the button is pressed by the test through --gpio-in.
local port = ...
local LED = 4
gpio.mode(LED, gpio.OUTPUT)
gpio.write(LED, gpio.LOW)
gpio.mode(5, gpio.INT, gpio.PULLUP)
gpio.write(LED, gpio.HIGH)
gpio.mode(5, gpio.INT)
local watchdog = tmr.create()
watchdog:alarm(10000, tmr.ALARM_SINGLE, function() print("no press") end)
gpio.trig(5, "up", function(level, when)
  print("pressed, level " .. level)
  gpio.trig(5, "none")
  local srv = tls.createConnection()
  srv:on("receive", function(sck, c) print("reply: " .. c:match("hello from s_server")) sck:close() end)
  srv:on("connection", function(sck) sck:send("GET /hello.txt HTTP/1.0\r\n\r\n") end)
  srv:on("disconnection", function() gpio.write(LED, gpio.LOW); watchdog:unregister() end)
  srv:connect(tonumber(port), "localhost")
end)
