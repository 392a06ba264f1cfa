-- Put tasks under their limits before they are pushed (the same round trip, first): claim.lua
-- then starts no more of a group's tasks at once than its concurrency, nor sooner than its rate.
-- A fair-share task (one with a score) gets a ready score taken round-robin among the groups:
-- the k-th waiting task of every group shares one sequence part, so a group that enqueued
-- 100,000 tasks does not starve one that enqueued 10 (start-time fair queueing).
-- KEYS[1] limit_of     hash   id -> limit group
-- KEYS[2] limits       hash   limit group -> tasks of it that may run at once (0: any number)
-- KEYS[3] rates        hash   limit group -> ms between two of its starts (0: no rate limit)
-- KEYS[4] fair_scores  hash   id -> fair-share ready score (push.lua uses it instead)
-- KEYS[5] fair_last    hash   limit group -> the sequence part of its last fair score
-- KEYS[6] fair_clock   string the highest sequence part of a score claimed so far
-- ARGV quintuplets: task id, limit group, concurrency, ms between starts, ready score (0: no
-- fair share)
-- Returns the number of tasks tagged.
local span = 1099511627776  -- 2^40: a score is priority band * span + sequence part
local clock = tonumber(redis.call('GET', KEYS[6]) or '0')
for i = 1, #ARGV, 5 do
  local id, group, score = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 4])
  redis.call('HSET', KEYS[1], id, group)
  redis.call('HSET', KEYS[2], group, ARGV[i + 2])
  redis.call('HSET', KEYS[3], group, ARGV[i + 3])
  if score > 0 and redis.call('HEXISTS', KEYS[4], id) == 0 then
    local last = tonumber(redis.call('HGET', KEYS[5], group) or '0')
    local sequence = math.max(last, clock) + 1
    redis.call('HSET', KEYS[5], group, sequence)
    redis.call('HSET', KEYS[4], id, math.floor(score / span) * span + sequence)
  end
end
return #ARGV / 5
