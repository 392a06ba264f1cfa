-- Re-push the tasks PostgreSQL holds as waiting that this queue's index has lost.
-- A task counts as present when it is ready, delayed, or under a lease that has not expired.
-- KEYS[1] ready           zset  id -> ready score
-- KEYS[2] delayed         zset  id -> due ms
-- KEYS[3] delayed_scores  hash  id -> ready score
-- KEYS[4] leases          zset  id -> lease deadline ms
-- KEYS[5] owners          hash  id -> claim token
-- KEYS[6] notify          list  wake-up tokens
-- ARGV[1] now in ms; then triplets: task id, ready score, due ms
-- Returns the number of tasks re-pushed.
local now = tonumber(ARGV[1])
local pushed, ready = 0, 0
for i = 2, #ARGV, 3 do
  local id, score, due = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local lease = redis.call('ZSCORE', KEYS[4], id)
  local present = redis.call('ZSCORE', KEYS[1], id) or redis.call('ZSCORE', KEYS[2], id)
    or (lease and tonumber(lease) > now)
  if not present then
    redis.call('ZREM', KEYS[4], id)
    redis.call('HDEL', KEYS[5], id)
    if due <= now then
      redis.call('ZADD', KEYS[1], score, id)
      ready = ready + 1
    else
      redis.call('ZADD', KEYS[2], due, id)
      redis.call('HSET', KEYS[3], id, score)
    end
    pushed = pushed + 1
  end
end
for _ = 1, math.min(ready, 256) do
  redis.call('LPUSH', KEYS[6], '1')
end
return pushed
