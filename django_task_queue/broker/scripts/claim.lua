-- Pop the best ready task and lease it to the calling worker.
-- KEYS[1] ready   zset  id -> ready score
-- KEYS[2] leases  zset  id -> lease deadline ms
-- KEYS[3] owners  hash  id -> claim token
-- KEYS[4] notify  list  wake-up tokens
-- ARGV[1] now in ms, ARGV[2] lease length in ms, ARGV[3] claim token
-- Returns {id, score}, or nil when nothing is ready.
local popped = redis.call('ZPOPMIN', KEYS[1], 1)
if #popped == 0 then
  -- Nothing is ready, so every wake-up token left is stale.
  redis.call('DEL', KEYS[4])
  return nil
end
local id = popped[1]
redis.call('ZADD', KEYS[2], tonumber(ARGV[1]) + tonumber(ARGV[2]), id)
redis.call('HSET', KEYS[3], id, ARGV[3])
return {id, popped[2]}
