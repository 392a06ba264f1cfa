-- Put tasks under their concurrency limits before they are pushed (the same round trip, first):
-- claim.lua then starts no more of a group's tasks at once than its limit.
-- KEYS[1] limit_of  hash  id -> limit group
-- KEYS[2] limits    hash  limit group -> tasks of it that may run at once
-- ARGV triplets: task id, limit group, limit
-- Returns the number of tasks tagged.
for i = 1, #ARGV, 3 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('HSET', KEYS[2], ARGV[i + 1], ARGV[i + 2])
end
return #ARGV / 3
