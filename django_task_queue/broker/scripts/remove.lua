-- Forget waiting tasks (cancelled, or deleted from PostgreSQL).
-- KEYS[1] ready           zset  id -> ready score
-- KEYS[2] delayed         zset  id -> due ms
-- KEYS[3] delayed_scores  hash  id -> ready score
-- KEYS[4] limit_of        hash  id -> concurrency limit group
-- KEYS[5] fair_scores     hash  id -> fair-share ready score
-- ARGV task ids
-- Returns the number of entries removed.
local removed = 0
for _, id in ipairs(ARGV) do
  removed = removed + redis.call('ZREM', KEYS[1], id) + redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('HDEL', KEYS[4], id)
  redis.call('HDEL', KEYS[5], id)
end
return removed
