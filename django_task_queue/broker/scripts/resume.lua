-- Resume a paused queue: drop its pause flag and wake as many idle workers as it has ready
-- tasks (up to a bound), as a push would have done while it was paused.
-- KEYS[1] paused  string present while the queue is paused
-- KEYS[2] ready   zset  id -> ready score
-- KEYS[3] notify  list  wake-up tokens
-- Returns 1 when the queue was paused, else 0.
local was_paused = redis.call('DEL', KEYS[1])
local ready = redis.call('ZCARD', KEYS[2])
for _ = 1, math.min(ready, 256) do
  redis.call('LPUSH', KEYS[3], '1')
end
return was_paused
