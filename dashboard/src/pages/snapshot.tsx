/**
 * A snapshot fetched with the session's bearer token (so it works without relying on the
 * cookie), shown from an object URL that is released when the card goes away. A click
 * enlarges it in a dialog where the people named in the evidence are labelled in the
 * reader's language (the edge draws boxes, skeletons and zone outlines, but no text).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Evidence } from '../../../protocol/index.ts';
import { useSession } from '../session.ts';
import { enumLabel, useI18n } from '../i18n.ts';

const RETRIES = 3;

/** Rough width of a label in ems: CJK characters are about one em, others about 0.6. */
const ems = (text: string): number => [...text].reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 1 : 0.6), 0);
const RETRY_MS = 1_500;

function Labels({ evidence, width, height }: { evidence: Evidence; width: number; height: number }) {
  const { t } = useI18n();
  const persons = evidence.persons ?? [];
  if (persons.length === 0 || width === 0) return null;
  // Labels scale with the picture so they stay readable however large it is shown.
  const size = Math.max(12, Math.round(height / 28));
  return (
    <svg class="snapshot-labels" viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="xMidYMid meet" aria-hidden="true">
      {persons.map((p) => {
        const text = `#${p.track} ${enumLabel(t, 'age', p.age ?? 'unknown')} · ${enumLabel(t, 'posture', p.posture ?? 'unknown')}`;
        // Above the box when there is room, else inside its top edge.
        const y = p.box[1] > size * 1.4 ? p.box[1] - size * 0.35 : p.box[1] + size * 1.1;
        return (
          <g key={p.track} data-label={p.track}>
            <rect x={p.box[0]} y={y - size} width={(ems(text) + 0.5) * size} height={size * 1.25} rx={size * 0.2} fill="rgba(0,0,0,0.65)" />
            <text x={p.box[0] + size * 0.25} y={y} font-size={size} fill="#fff">{text}</text>
          </g>
        );
      })}
    </svg>
  );
}

export function Snapshot({ id, available, evidence }: { id: string; available: boolean; evidence?: Evidence }) {
  const { api } = useSession();
  const { t } = useI18n();
  const [url, setUrl] = useState<string | null>(null);
  const [natural, setNatural] = useState({ width: 0, height: 0 });
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (!available) return;
    let objectUrl: string | null = null;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The JPEG travels on its own topic and may land a moment after the incident says it exists.
    const load = (attempt: number): void => {
      api.snapshot(id).then(
        (blob) => {
          if (cancelled) return;
          objectUrl = URL.createObjectURL(blob);
          setUrl(objectUrl);
        },
        (err: unknown) => {
          console.warn('snapshot', id, err);
          if (!cancelled && attempt < RETRIES) timer = setTimeout(() => load(attempt + 1), RETRY_MS);
        },
      );
    };
    load(0);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [id, available]);
  if (!available) return <div class="snapshot empty none">{t('noSnapshot')}</div>;
  if (!url) return <div class="snapshot empty">{t('loading')}</div>;
  return (
    <>
      <button type="button" class="snapshot-open" data-action="enlarge" title={t('enlarge')} onClick={() => dialog.current?.showModal()}>
        <img
          class="snapshot"
          src={url}
          alt={t('snapshot')}
          data-snapshot={id}
          onLoad={(e) => setNatural({ width: e.currentTarget.naturalWidth, height: e.currentTarget.naturalHeight })}
        />
      </button>
      <dialog ref={dialog} class="snapshot-dialog" data-snapshot-dialog={id} onClick={(e) => e.target === dialog.current && dialog.current?.close()}>
        <div class="snapshot-large">
          <img src={url} alt={t('snapshot')} />
          {evidence && <Labels evidence={evidence} width={natural.width} height={natural.height} />}
        </div>
        <div class="snapshot-dialog-bar">
          <span class="muted">{t('snapshotZones')}</span>
          <button type="button" class="primary" data-action="close-snapshot" onClick={() => dialog.current?.close()}>{t('closeView')}</button>
        </div>
      </dialog>
    </>
  );
}
