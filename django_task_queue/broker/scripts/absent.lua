-- Which of these tasks is this queue's index missing? Read-only.
-- A task counts as present when it is ready, delayed, or under a lease that has not expired.
-- KEYS[1] ready    zset  id -> ready score
-- KEYS[2] delayed  zset  id -> due ms
-- KEYS[3] leases   zset  id -> lease deadline ms
-- ARGV[1] now in ms; then task ids
-- Returns the ids that are absent.
local now = tonumber(ARGV[1])
local absent = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  local lease = redis.call('ZSCORE', KEYS[3], id)
  local present = redis.call('ZSCORE', KEYS[1], id) or redis.call('ZSCORE', KEYS[2], id)
    or (lease and tonumber(lease) > now)
  if not present then
    absent[#absent + 1] = id
  end
end
return absent
