-- sjson against mutated input (a deterministic little fuzzer): every text
-- either decodes or raises a Lua error; whatever decodes encodes again.
-- Run under the sanitizer build too, where a wild read would abort.
local rounds = tonumber((...)) or 20000
local seed = 12345
local function rand(n) seed = (seed * 16807) % 2147483647 return seed % n end

local corpus = {
  '{"tree":[{"path":"a.lua","url":"https://x/1"},{"path":"b","url":null}],"n":-1.5e3}',
  '[1,2,3,{"a":[true,false,null,"\\u00e9\\ud83d\\ude00\\n\\t\\"x\\""]}]',
  '{"deep":[[[[[[[[[[{"k":"v"}]]]]]]]]]],"e":{},"l":[]}',
  '"just a string with \\\\ escapes \\/"',
  '-0.000123',
}
local pieces = { "{", "}", "[", "]", ",", ":", '"', "\\", "\\u", "1e999", "-", "nul", "tru",
  "\0", "\255", " ", "\n", '"k":', "[[[[[[[[[[[[[[[[[[[[[[[[" }

local function mutate(s)
  local kind = rand(5)
  local pos = rand(#s + 1)
  if kind == 0 then -- replace a byte
    return s:sub(1, pos - 1) .. string.char(rand(256)) .. s:sub(pos + 1)
  elseif kind == 1 then -- truncate
    return s:sub(1, pos)
  elseif kind == 2 then -- insert a piece
    return s:sub(1, pos) .. pieces[rand(#pieces) + 1] .. s:sub(pos + 1)
  elseif kind == 3 then -- duplicate a range
    local len = rand(16)
    return s:sub(1, pos + len) .. s:sub(pos, pos + len) .. s:sub(pos + len + 1)
  else -- delete a range
    return s:sub(1, pos) .. s:sub(pos + rand(8) + 1)
  end
end

local keep = { __newindex = function(t, k, v) if type(k) ~= "string" or #k < 3 then rawset(t, k, v) end end }
local ok_n, err_n = 0, 0
for i = 1, rounds do
  local text = corpus[rand(#corpus) + 1]
  for _ = 0, rand(4) do text = mutate(text) end
  local ok, v = pcall(sjson.decode, text)
  if ok then
    ok_n = ok_n + 1
    assert(pcall(sjson.encode, v))
  else
    err_n = err_n + 1
  end
  -- the streaming decoder, fed in random pieces, with a filtering metatable
  local d = sjson.decoder({ metatable = keep, depth = 1 + rand(30) })
  local p = 1
  while p <= #text do
    local n = 1 + rand(7)
    d:write(text:sub(p, p + n - 1))
    p = p + n
  end
  pcall(d.result, d)
end
print("mutations", rounds, "decoded", ok_n > 0, "rejected", err_n > 0, ok_n + err_n == rounds)
