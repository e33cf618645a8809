tls.cert.verify(true)
http.get("https://example.com/info", nil, function (code, resp) print(code, resp) end)
