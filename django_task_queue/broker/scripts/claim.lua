-- Pop the best ready tasks (at most ARGV[4]) and lease them to the calling worker.
-- KEYS[1] ready   zset  id -> ready score
-- KEYS[2] leases  zset  id -> lease deadline ms
-- KEYS[3] owners  hash  id -> claim token
-- KEYS[4] notify  list  wake-up tokens
-- KEYS[5] paused  string present while the queue is paused
-- ARGV[1] now in ms, ARGV[2] lease length in ms, ARGV[3] claim token, ARGV[4] most to pop
-- Returns {id1, score1, id2, score2, ...} best first; empty when nothing is ready or the
-- queue is paused.
if redis.call('EXISTS', KEYS[5]) == 1 then
  -- No task of a paused queue starts: its tokens would only wake idle workers for nothing.
  redis.call('DEL', KEYS[4])
  return {}
end
local popped = redis.call('ZPOPMIN', KEYS[1], tonumber(ARGV[4]))
if #popped == 0 then
  -- Nothing is ready, so every wake-up token left is stale.
  redis.call('DEL', KEYS[4])
  return popped
end
local deadline = tonumber(ARGV[1]) + tonumber(ARGV[2])
for i = 1, #popped, 2 do
  redis.call('ZADD', KEYS[2], deadline, popped[i])
  redis.call('HSET', KEYS[3], popped[i], ARGV[3])
end
return popped
