-- NodeMCU's mqtt module over TLS: connect with a client certificate-free
-- broker, subscribe with QoS 1, publish to ourselves, get the message.
local host, port = ...
tls.cert.verify(file.getcontents("ca.pem"))
local m = mqtt.Client("nodemcu-mqtt-module", 30)
m:lwt("iotls/lwt", "gone", 0, 0)
m:on("message", function(c, topic, data)
  print("message", topic, data)
  c:close()
end)
m:on("offline", function() print("offline") end)
m:connect(host, tonumber(port), true, function(c)
  print("connected")
  c:subscribe("iotls/module", 1, function(cc)
    print("subscribed")
    cc:publish("iotls/module", "hello over mqtt", 1, 0)
  end)
end, function(c, reason) print("failed", reason) end)
