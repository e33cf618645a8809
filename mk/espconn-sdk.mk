# ESP8266 SDK compatibility (issue 14, docs/espconn.md): headers in
# subdirectories of the SDK header directory (json/) are installed too.
.PHONY: install-espconn-json
install-espconn: install-espconn-json
install-espconn-json:
	install -d $(DESTDIR)$(PREFIX)/include/iotls/compat/esp8266/json
	install -m 644 $(ESP_INC)/json/*.h $(DESTDIR)$(PREFIX)/include/iotls/compat/esp8266/json/
