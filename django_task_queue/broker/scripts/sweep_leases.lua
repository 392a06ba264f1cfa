-- Drop leases that expired long ago; PostgreSQL's reaper has already decided those tasks' fate.
-- KEYS[1] leases  zset  id -> lease deadline ms
-- KEYS[2] owners  hash  id -> claim token
-- ARGV[1] drop leases whose deadline is before this (ms), ARGV[2] most to drop in one call
-- Returns the number dropped.
local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(old) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
end
return #old
