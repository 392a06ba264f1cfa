-- Drop leases, but only those still held under the caller's claim token (the fence).
-- KEYS[1] leases  zset  id -> lease deadline ms
-- KEYS[2] owners  hash  id -> claim token
-- ARGV pairs: task id, claim token
-- Returns the number of leases dropped.
local dropped = 0
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[i + 1] then
    redis.call('ZREM', KEYS[1], ARGV[i])
    redis.call('HDEL', KEYS[2], ARGV[i])
    dropped = dropped + 1
  end
end
return dropped
