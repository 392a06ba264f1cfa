-- Put tasks under their limits before they are pushed (the same round trip, first): claim.lua
-- then starts no more of a group's tasks at once than its concurrency, nor sooner than its rate.
-- KEYS[1] limit_of  hash  id -> limit group
-- KEYS[2] limits    hash  limit group -> tasks of it that may run at once (0: any number)
-- KEYS[3] rates     hash  limit group -> ms between two of its starts (0: no rate limit)
-- ARGV quadruplets: task id, limit group, concurrency, ms between starts
-- Returns the number of tasks tagged.
for i = 1, #ARGV, 4 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('HSET', KEYS[2], ARGV[i + 1], ARGV[i + 2])
  redis.call('HSET', KEYS[3], ARGV[i + 1], ARGV[i + 3])
end
return #ARGV / 4
