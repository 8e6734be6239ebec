/** 考勤 / Attendance: staff check-in (tablet), face proposals to confirm; admins also the roster and the monthly report. */
import { useState } from 'preact/hooks';
import { useI18n, type MessageKey } from '../../i18n.ts';
import { useSession } from '../../session.ts';
import { CheckInSection } from './check-in.tsx';
import { ProposalsSection } from './proposals.tsx';
import { RosterSection } from './roster.tsx';
import { ReportSection } from './report.tsx';
import { NoticesSection } from './notices.tsx';

type Tab = 'check' | 'proposals' | 'roster' | 'report' | 'notices';
const TABS: readonly [Tab, MessageKey, boolean][] = [
  ['check', 'attCheckIn', false],
  ['proposals', 'attProposals', false],
  ['roster', 'attRoster', true],
  ['report', 'attReport', true],
  ['notices', 'gNoticesTab', true],
];

export function AttendancePage() {
  const { t } = useI18n();
  const { user } = useSession();
  const [tab, setTab] = useState<Tab>('check');
  const tabs = TABS.filter(([, , adminOnly]) => !adminOnly || user.role === 'institution_admin');
  return (
    <section class="setup attendance" data-page="attendance">
      <div class="tabs no-print" role="tablist">
        {tabs.map(([k, label]) => (
          <button key={k} type="button" role="tab" aria-selected={tab === k} class={tab === k ? 'active' : ''} data-tab={k} onClick={() => setTab(k)}>
            {t(label)}
          </button>
        ))}
      </div>
      {tab === 'check' && <CheckInSection />}
      {tab === 'proposals' && <ProposalsSection />}
      {tab === 'roster' && <RosterSection />}
      {tab === 'report' && <ReportSection />}
      {tab === 'notices' && <NoticesSection />}
    </section>
  );
}
