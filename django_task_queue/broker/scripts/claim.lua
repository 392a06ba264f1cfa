-- Pop the best ready tasks (at most ARGV[4]) and lease them to the calling worker; a task over
-- its concurrency or rate limit stays ready, in its place, and the next best is taken instead.
-- KEYS[1] ready     zset   id -> ready score
-- KEYS[2] leases    zset   id -> lease deadline ms
-- KEYS[3] owners    hash   id -> claim token
-- KEYS[4] notify    list   wake-up tokens
-- KEYS[5] paused    string present while the queue is paused
-- KEYS[6] limit_of  hash   id -> limit group (tasks under a concurrency limit)
-- KEYS[7] limits    hash   limit group -> tasks of it that may run at once (0: any number)
-- KEYS[8] limit_holders hash id -> limit group, for the tasks holding a concurrency slot
-- KEYS[9] rates     hash   limit group -> ms between two of its starts (0: no rate limit)
-- KEYS[10] rate_next hash  limit group -> the earliest ms its next task may start
-- KEYS[11] fair_clock string the highest sequence part of a score claimed (fair share's clock)
-- KEYS[12] queue_limits hash the queue's own limits: concurrency (tasks of the queue running at
--          once), interval_ms (between two of its starts), next_ms (earliest next start)
-- ARGV[1] now in ms, ARGV[2] lease length in ms, ARGV[3] claim token, ARGV[4] most to pop
-- Returns {id1, score1, id2, score2, ...} best first; empty when nothing is ready (or can
-- start) or the queue is paused; {'', ms} when nothing can start before ms, a rate's next start
-- (no one pushes a wake-up then: the worker waits that long at most).
if redis.call('EXISTS', KEYS[5]) == 1 then
  -- No task of a paused queue starts: its tokens would only wake idle workers for nothing.
  redis.call('DEL', KEYS[4])
  return {}
end
local now = tonumber(ARGV[1])
local most = tonumber(ARGV[4])
-- The queue's own limits (TASK_QUEUE["QUEUES"]): a task of the queue is running while its
-- lease lives, so the live leases are its running tasks, whoever holds them.
local queue_limits = redis.call('HMGET', KEYS[12], 'concurrency', 'interval_ms', 'next_ms')
local queue_interval = tonumber(queue_limits[2] or '0')
if queue_limits[1] then
  most = math.min(most, tonumber(queue_limits[1]) - redis.call('ZCOUNT', KEYS[2], now, '+inf'))
end
local rate_wait = nil  -- the earliest ms a rate lets a task start, when only rates hold them
if queue_interval > 0 then
  -- Starts spaced evenly, one per claim, as a group's rate limit spaces them.
  local queue_next = tonumber(queue_limits[3] or '0')
  if queue_next > now then
    most = 0
    if redis.call('ZCARD', KEYS[1]) > 0 then rate_wait = queue_next end
  else
    most = math.min(most, 1)
  end
end
if most <= 0 then
  redis.call('DEL', KEYS[4])  -- nothing of this queue can start: its tokens are stale
  if rate_wait then return {'', rate_wait} end
  return {}
end
local popped
if redis.call('EXISTS', KEYS[6]) == 0 then
  popped = redis.call('ZPOPMIN', KEYS[1], most)  -- no limited task in this queue
else
  -- A concurrency slot is held while its task's lease lives: a finished task was acked, one
  -- given back was pushed (both drop the lease), and a dead worker's lease runs out.
  local used = {}
  local holders = redis.call('HGETALL', KEYS[8])
  for i = 1, #holders, 2 do
    local deadline = redis.call('ZSCORE', KEYS[2], holders[i])
    if deadline and tonumber(deadline) >= now then
      used[holders[i + 1]] = (used[holders[i + 1]] or 0) + 1
    else
      redis.call('HDEL', KEYS[8], holders[i])
    end
  end
  popped = {}
  local passed = {}
  -- Bounded: a head of many tasks over their limits costs each claim at most this many looks.
  local looks = 0
  while #popped < most * 2 and looks < 1000 do
    local head = redis.call('ZPOPMIN', KEYS[1])
    if #head == 0 then break end
    looks = looks + 1
    local group = redis.call('HGET', KEYS[6], head[1])
    local limit, interval, next_start = 0, 0, 0
    if group then
      limit = tonumber(redis.call('HGET', KEYS[7], group) or '0')
      interval = tonumber(redis.call('HGET', KEYS[9], group) or '0')
      if interval > 0 then
        next_start = tonumber(redis.call('HGET', KEYS[10], group) or '0')
      end
    end
    if (limit > 0 and (used[group] or 0) >= limit) or next_start > now then
      if next_start > now and not (limit > 0 and (used[group] or 0) >= limit) then
        rate_wait = math.min(rate_wait or next_start, next_start)
      end
      passed[#passed + 1] = head[2]
      passed[#passed + 1] = head[1]
    else
      if limit > 0 then
        used[group] = (used[group] or 0) + 1
        redis.call('HSET', KEYS[8], head[1], group)
      end
      if interval > 0 then
        -- Starts spaced evenly (no burst): the next one no sooner than one interval after this.
        redis.call('HSET', KEYS[10], group, math.max(next_start, now) + interval)
      end
      popped[#popped + 1] = head[1]
      popped[#popped + 1] = head[2]
    end
  end
  if #passed > 0 then
    redis.call('ZADD', KEYS[1], unpack(passed))
  end
  -- Fair share's clock: a new group's tasks are scored from here, not from the start.
  local clock = tonumber(redis.call('GET', KEYS[11]) or '0')
  for i = 2, #popped, 2 do
    clock = math.max(clock, tonumber(popped[i]) % 1099511627776)  -- 2^40: the sequence part
  end
  redis.call('SET', KEYS[11], clock)
end
if #popped == 0 then
  -- Nothing can start, so every wake-up token left is stale.
  redis.call('DEL', KEYS[4])
  if rate_wait then return {'', rate_wait} end
  return popped
end
if queue_interval > 0 then
  local queue_next = math.max(tonumber(queue_limits[3] or '0'), now) + queue_interval
  redis.call('HSET', KEYS[12], 'next_ms', queue_next)
end
local deadline = now + tonumber(ARGV[2])
for i = 1, #popped, 2 do
  redis.call('ZADD', KEYS[2], deadline, popped[i])
  redis.call('HSET', KEYS[3], popped[i], ARGV[3])
end
return popped
