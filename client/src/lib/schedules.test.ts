import { describe, expect, it } from 'vitest';
import { formatInterval, scheduleState, triggerLabel } from './schedules';

describe('scheduleState', () => {
  it.each([
    [true, false, 'enabled'],
    [false, false, 'paused'],
    [true, true, 'orphaned'],
    [false, true, 'orphaned'],
  ] as const)('enabled=%s orphaned=%s reads as %s', (enabled, orphaned, state) => {
    expect(scheduleState({ enabled, orphaned })).toBe(state);
  });
});

describe('formatInterval', () => {
  it.each([
    [1, '1 s'],
    [30, '30 s'],
    [90, '90 s'],
    [60, '1 m'],
    [300, '5 m'],
    [7200, '2 h'],
    [86400, '1 d'],
    [1.5, '1.5 s'],
  ])('%s seconds reads as %s', (seconds, text) => {
    expect(formatInterval(seconds)).toBe(text);
  });
});

describe('triggerLabel', () => {
  it('names a cron expression with its time zone', () => {
    expect(triggerLabel({ cron: '0 3 * * *', everySeconds: null, timezone: 'Europe/Paris', trigger: 'x' })).toBe(
      'cron 0 3 * * * · Europe/Paris',
    );
  });

  it('leaves the time zone out when asked', () => {
    expect(triggerLabel({ cron: '0 3 * * *', everySeconds: null, timezone: 'Europe/Paris', trigger: 'x' }, { timezone: false })).toBe(
      'cron 0 3 * * *',
    );
  });

  it('names an interval in its largest whole unit', () => {
    expect(triggerLabel({ cron: null, everySeconds: 30, timezone: 'UTC', trigger: 'every 30 s' })).toBe('every 30 s');
  });

  it("falls back to the API's text when neither is set", () => {
    expect(triggerLabel({ cron: null, everySeconds: null, timezone: 'UTC', trigger: 'solar noon' })).toBe('solar noon');
  });
});
