import { useState } from 'preact/hooks';
import { useI18n } from '../i18n.ts';
import { isoDate } from '../format.ts';

export interface DateRange {
  from: string;
  to: string;
}

/** The last `days` days up to today (dates, inclusive). */
export function lastDays(days: number): DateRange {
  const to = new Date();
  const from = new Date(to.getTime() - (days - 1) * 86_400_000);
  return { from: isoDate(from), to: isoDate(to) };
}

export function DateRangeForm({ value, onApply }: { value: DateRange; onApply: (r: DateRange) => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(value);
  return (
    <form class="filters card" onSubmit={(e) => (e.preventDefault(), onApply(draft))}>
      <label>{t('from')}<input type="date" name="from" value={draft.from} onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} /></label>
      <label>{t('to')}<input type="date" name="to" value={draft.to} onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} /></label>
      <div class="actions"><button type="submit" class="primary">{t('apply')}</button></div>
    </form>
  );
}
