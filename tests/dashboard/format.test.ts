/** Dashboard text helpers that need no browser: durations and dates in a time zone. */
import { describe, expect, it } from 'vitest';
import { dateIn, formatDuration, formatWhen, zonedInputToIso } from '../../dashboard/src/format.ts';
import { translator } from '../../dashboard/src/i18n.ts';
import { lastDays } from '../../dashboard/src/pages/date-range.tsx';

describe('dashboard formats', () => {
  it('writes acknowledge times as a person reads them, not 463721 秒', () => {
    const zh = translator('zh-CN');
    expect(formatDuration(zh, 463_721)).toBe('5 天 8 小时');
    expect(formatDuration(zh, 38)).toBe('38 秒');
    expect(formatDuration(zh, 245)).toBe('4 分 5 秒');
    expect(formatDuration(translator('en'), 11_520)).toBe('3 h 12 min');
  });

  it('takes "today" and typed times in the institution\'s zone, whatever the browser\'s', () => {
    const at = Date.parse('2026-12-03T18:30:00Z');
    expect(dateIn(at, 'Asia/Shanghai')).toBe('2026-12-04');
    expect(dateIn(at, 'UTC')).toBe('2026-12-03');
    expect(lastDays(30, 'Asia/Shanghai', at)).toEqual({ from: '2026-11-05', to: '2026-12-04' });
    expect(zonedInputToIso('2026-12-04T02:00', 'Asia/Shanghai')).toBe('2026-12-03T18:00:00.000Z');
    expect(zonedInputToIso('2026-07-01T12:00', 'America/New_York')).toBe('2026-07-01T16:00:00.000Z');
    expect(formatWhen('2026-12-03T18:00:00Z', 'zh-CN', 'Asia/Shanghai', at)).toBe('02:00:00');
    expect(formatWhen('2026-12-02T18:00:00Z', 'zh-CN', 'Asia/Shanghai', at)).toBe('12/03 02:00:00');
  });
});
