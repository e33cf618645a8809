tls.cert.auth(true)
tls.cert.verify(true)
m = mqtt.Client('basicPubSub', 1500, "admin", "admin", 1)
