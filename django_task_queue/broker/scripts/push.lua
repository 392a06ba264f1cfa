-- Make tasks waiting: due ones into the ready set, later ones into the delayed set.
-- Any lease left on a pushed task is dropped: PostgreSQL has already made it waiting again.
-- KEYS[1] ready           zset  id -> ready score
-- KEYS[2] delayed         zset  id -> due ms
-- KEYS[3] delayed_scores  hash  id -> ready score
-- KEYS[4] leases          zset  id -> lease deadline ms
-- KEYS[5] owners          hash  id -> claim token
-- KEYS[6] notify          list  wake-up tokens
-- KEYS[7] better          channel: told when a task becomes the best ready one
-- KEYS[8] fair_scores     hash  id -> fair-share ready score, which replaces the one given
-- ARGV[1] now in ms; then triplets: task id, ready score, due ms
-- Returns the number of tasks made ready now.
local now = tonumber(ARGV[1])
local ready = 0
-- The best ready score before this call, to tell whether a task here becomes the new best.
local head = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]
local best = nil  -- the lowest score this call makes ready
local fair = redis.call('EXISTS', KEYS[8]) == 1  -- one look per call when no task is fair
for i = 2, #ARGV, 3 do
  local id, score, due = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  if fair then
    score = redis.call('HGET', KEYS[8], id) or score
  end
  redis.call('ZREM', KEYS[4], id)
  redis.call('HDEL', KEYS[5], id)
  if due <= now then
    redis.call('ZADD', KEYS[1], score, id)
    if not best or tonumber(score) < best then best = tonumber(score) end
    redis.call('ZREM', KEYS[2], id)
    redis.call('HDEL', KEYS[3], id)
    ready = ready + 1
  else
    redis.call('ZADD', KEYS[2], due, id)
    redis.call('HSET', KEYS[3], id, score)
  end
end
if ready > 0 then
  -- One token per task wakes as many idle workers as there is work, up to a bound.
  for _ = 1, math.min(ready, 256) do
    redis.call('LPUSH', KEYS[6], '1')
  end
end
if best and (not head or best < tonumber(head)) then
  -- Nothing else can rank ahead of a task a worker holds: workers claim the best first.
  redis.call('PUBLISH', KEYS[7], '1')
end
return ready
