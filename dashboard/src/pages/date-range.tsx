import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useI18n } from '../i18n.ts';
import { dateIn } from '../format.ts';

export interface DateRange {
  from: string;
  to: string;
}

/**
 * The last `days` days up to today, as dates in `timeZone` (the institutions'), not in
 * the browser's zone or UTC: the hub files days in that zone, so "today" must be its today.
 */
export function lastDays(days: number, timeZone: string, nowMs = Date.now()): DateRange {
  const to = dateIn(nowMs, timeZone);
  const [y, m, d] = to.split('-').map(Number) as [number, number, number];
  const from = new Date(Date.UTC(y, m - 1, d - (days - 1))).toISOString().slice(0, 10);
  return { from, to };
}

/** Every date of the range, oldest first. */
export function datesOf(r: DateRange): string[] {
  const out: string[] = [];
  for (let d = Date.parse(`${r.from}T00:00:00Z`); d <= Date.parse(`${r.to}T00:00:00Z`) && out.length < 400; d += 86_400_000) {
    out.push(new Date(d).toISOString().slice(0, 10));
  }
  return out;
}

export function DateRangeForm({ value, onApply, timeZone, children }: { value: DateRange; onApply: (r: DateRange) => void; timeZone: string; children?: ComponentChildren }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(value);
  return (
    <form class="filters card" onSubmit={(e) => (e.preventDefault(), onApply(draft))}>
      <label>{t('from')}<input type="date" name="from" value={draft.from} onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} /></label>
      <label>{t('to')}<input type="date" name="to" value={draft.to} onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} /></label>
      <span class="muted tz" data-time-zone={timeZone}>{t('datesIn', { tz: '' })}<span translate={false}>{timeZone}</span></span>
      <div class="actions"><button type="submit" class="primary">{t('apply')}</button>{children}</div>
    </form>
  );
}
