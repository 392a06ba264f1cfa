-- Move delayed tasks whose due time has come into the ready set.
-- KEYS[1] delayed         zset  id -> due ms
-- KEYS[2] delayed_scores  hash  id -> ready score
-- KEYS[3] ready           zset  id -> ready score
-- KEYS[4] notify          list  wake-up tokens
-- KEYS[5] better          channel: told when a task becomes the best ready one
-- ARGV[1] now in ms, ARGV[2] most tasks to move in one call
-- Returns the number of tasks moved.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local moved = 0
-- The best ready score before this call, to tell whether a task here becomes the new best.
local head = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')[2]
local best = nil  -- the lowest score this call makes ready
for _, id in ipairs(due) do
  local score = redis.call('HGET', KEYS[2], id)
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
  if score then
    redis.call('ZADD', KEYS[3], score, id)
    if not best or tonumber(score) < best then best = tonumber(score) end
    moved = moved + 1
  end
end
for _ = 1, math.min(moved, 256) do
  redis.call('LPUSH', KEYS[4], '1')
end
if best and (not head or best < tonumber(head)) then
  -- Nothing else can rank ahead of a task a worker holds: workers claim the best first.
  redis.call('PUBLISH', KEYS[5], '1')
end
return moved
