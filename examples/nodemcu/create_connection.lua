tls.createConnection()
