-- Move lease deadlines forward, only for leases still held under the caller's claim token.
-- KEYS[1] leases  zset  id -> lease deadline ms
-- KEYS[2] owners  hash  id -> claim token
-- ARGV[1] new deadline in ms; then pairs: task id, claim token
-- Returns the number of leases extended.
local extended = 0
for i = 2, #ARGV, 2 do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[i + 1] then
    redis.call('ZADD', KEYS[1], ARGV[1], ARGV[i])
    extended = extended + 1
  end
end
return extended
