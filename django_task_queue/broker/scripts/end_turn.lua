-- End a maintenance loop's turn, only if the caller still holds it (it may have expired and
-- gone to another).
-- KEYS[1] turn  string  the holder's token
-- ARGV[1] the caller's token
-- Returns 1 when the turn was ended, 0 when the caller no longer held it.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
