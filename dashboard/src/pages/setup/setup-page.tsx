/** 管理 / Setup for an institution admin: rooms, camera mapping, edge boxes and accounts, one tab each. */
import { useState } from 'preact/hooks';
import { useI18n, type MessageKey } from '../../i18n.ts';
import { RoomsSection } from './rooms.tsx';
import { CamerasMapSection } from './cameras-map.tsx';
import { EdgesSection } from './edges.tsx';
import { UsersSection } from './users.tsx';

type Tab = 'rooms' | 'cameras' | 'edges' | 'users';
const TABS: readonly [Tab, MessageKey][] = [
  ['rooms', 'setupRooms'],
  ['cameras', 'setupCameras'],
  ['edges', 'setupEdges'],
  ['users', 'setupUsers'],
];

export function SetupPage() {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('rooms');
  return (
    <section class="setup" data-page="setup">
      <div class="tabs" role="tablist">
        {TABS.map(([k, label]) => (
          <button key={k} type="button" role="tab" aria-selected={tab === k} class={tab === k ? 'active' : ''}
            data-tab={k} onClick={() => setTab(k)}>
            {t(label)}
          </button>
        ))}
      </div>
      {tab === 'rooms' && <RoomsSection />}
      {tab === 'cameras' && <CamerasMapSection />}
      {tab === 'edges' && <EdgesSection />}
      {tab === 'users' && <UsersSection />}
    </section>
  );
}
