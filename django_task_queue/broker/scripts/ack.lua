-- Drop leases, but only those still held under the caller's claim token (the fence). A task
-- acked here is finished: it leaves its concurrency limit group and frees its concurrency slot.
-- KEYS[1] leases    zset  id -> lease deadline ms
-- KEYS[2] owners    hash  id -> claim token
-- KEYS[3] limit_of  hash  id -> limit group
-- KEYS[4] limit_holders hash id -> limit group, for the tasks holding a concurrency slot
-- KEYS[5] fair_scores hash id -> fair-share ready score
-- ARGV pairs: task id, claim token
-- Returns the number of leases dropped.
local dropped = 0
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[i + 1] then
    redis.call('ZREM', KEYS[1], ARGV[i])
    redis.call('HDEL', KEYS[2], ARGV[i])
    redis.call('HDEL', KEYS[3], ARGV[i])
    redis.call('HDEL', KEYS[4], ARGV[i])
    redis.call('HDEL', KEYS[5], ARGV[i])
    dropped = dropped + 1
  end
end
return dropped
