-- The file module in both forms, with sjson for a config file.
local cfg = {ssid = "home", port = 8883, hosts = {"a.example", "b.example"}, tls = true}
local fd = file.open("config.json", "w")
fd:write(sjson.encode(cfg))
fd:close()
print("exists", file.exists("config.json"), file.exists("nope.json"))
local back = sjson.decode(file.getcontents("config.json"))
print("roundtrip", back.ssid, back.port, back.hosts[2], back.tls)

-- 2.x module-level form
file.open("log.txt", "w+")
file.writeline("line one")
file.writeline("line two")
file.close()
file.open("log.txt", "r")
print("read", file.readline(), file.readline(), file.readline())
file.close()

local list = file.list()
print("listed", list["config.json"] ~= nil, list["log.txt"])
print("stat", file.stat("log.txt").size)
print("rename", file.rename("log.txt", "old.txt"), file.exists("log.txt"), file.exists("old.txt"))
file.remove("old.txt")
print("removed", file.exists("old.txt"))
print("put/get", file.putcontents("x.bin", "\0\1\2"), #file.getcontents("x.bin"))
print("missing", file.open("missing.txt"), file.getcontents("missing.txt"))
