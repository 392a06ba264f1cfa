-- Drop leases, but only those still held under the caller's claim token (the fence). A task
-- acked here is finished: it leaves its concurrency limit group and frees its concurrency slot.
-- KEYS[1] leases    zset  id -> lease deadline ms
-- KEYS[2] owners    hash  id -> claim token
-- KEYS[3] limit_of  hash  id -> limit group
-- KEYS[4] limit_holders hash id -> limit group, for the tasks holding a concurrency slot
-- KEYS[5] fair_scores hash id -> fair-share ready score
-- KEYS[6] notify    list  wake-up tokens
-- KEYS[7] ready     zset  id -> ready score
-- KEYS[8] queue_limits hash the queue's own limits (claim.lua)
-- ARGV pairs: task id, claim token
-- Returns the number of leases dropped.
local dropped = 0
local freed = 0  -- concurrency slots freed, of a task function's group or of the queue
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[i + 1] then
    redis.call('ZREM', KEYS[1], ARGV[i])
    redis.call('HDEL', KEYS[2], ARGV[i])
    redis.call('HDEL', KEYS[3], ARGV[i])
    freed = freed + redis.call('HDEL', KEYS[4], ARGV[i])
    redis.call('HDEL', KEYS[5], ARGV[i])
    dropped = dropped + 1
  end
end
if dropped > 0 and redis.call('HEXISTS', KEYS[8], 'concurrency') == 1 then
  freed = dropped
end
if freed > 0 then
  -- A claim that met a full limit dropped the wake-up tokens: wake idle workers again, one per
  -- freed slot, for the tasks that waited on it.
  for _ = 1, math.min(freed, redis.call('ZCARD', KEYS[7])) do
    redis.call('LPUSH', KEYS[6], '1')
  end
end
return dropped
