/**
 * Hub group of `npm run bench`: (1) incidents persisted per second against the raw broker
 * pass-through (SQLite; PostgreSQL when DATABASE_URL is set), (2) publish → Socket.IO
 * latency at 100/s, 1,000/s and the highest rate the hub sustains, each with a bare MQTT
 * subscriber side by side, (3) resident memory with 5,000 cameras' status.
 */
import type { BenchContext, BenchSection } from './run.ts';
import { fmt, markdownTable, median, quantile } from './stats.ts';
import { measureThroughput, type ThroughputRun } from './hub-throughput.ts';
import { openLatencyProbe, type LatencyProbe, type LatencyResult } from './hub-latency.ts';
import { measureHubMemory } from './hub-memory.ts';
import { startHubRig, type StoreKind } from './hub-rig.ts';

const REPEATS = 3;
/** A rate is sustained when every incident arrives, the edge keeps its pace and p99 stays under this. */
const SUSTAINED_P99_MS = 100;
const SEARCH_RATES = [200, 400, 700, 1000, 1400, 2000, 2800, 4000];
const SEARCH_SECONDS = 1.5;

async function throughputSection(ctx: BenchContext): Promise<string> {
  const stores: { kind: StoreKind; count: number }[] = [{ kind: 'sqlite', count: 2000 }];
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) stores.push({ kind: 'postgres', count: 600 });
  const rows: (string | number)[][] = [];
  for (const s of stores) {
    const runs: ThroughputRun[] = [];
    for (let i = 0; i < REPEATS; i++) {
      ctx.log(`hub throughput: ${s.kind} run ${i + 1}/${REPEATS} (${s.count} incidents)…`);
      runs.push(await measureThroughput({ store: s.kind, databaseUrl, count: s.count }));
    }
    const hub = median(runs.map((r) => r.hubPerS));
    const raw = median(runs.map((r) => r.rawPerS));
    rows.push([
      s.kind === 'sqlite' ? 'SQLite file (WAL)' : 'PostgreSQL (local, synchronous commit)',
      `${s.count} × ${REPEATS}`,
      fmt(hub, 0),
      fmt(raw, 0),
      `**${fmt(hub / raw, 3)}**`,
      fmt(median(runs.map((r) => r.rawDuringHubPerS)), 0),
      runs.map((r) => `${r.stored}/${r.count}`).join(', '),
    ]);
  }
  const note = databaseUrl ? '' : '\n\nPostgreSQL: not measured (DATABASE_URL is not set).';
  return [
    '### Incidents persisted per second vs raw broker pass-through',
    '',
    'One edge publishes `open` incidents at QoS1 as fast as it can over loopback to the hub\'s embedded aedes broker. ' +
      '**hub/s** = incidents in the store (ingest `applied` counter, checked against `store.listIncidents` total) ÷ time from first publish to the last stored. ' +
      '**raw/s** = the same payloads (at least 5,000, so that the burst lasts long enough to time), same publisher loop, same broker, received by a bare MQTT subscriber doing nothing, on a topic the hub does not follow (measured just before, on the same hub, in the same run). ' +
      '"bare during hub" is that subscriber\'s rate on the hub\'s own topic while the hub stores: the embedded broker shares the hub\'s event loop. ' +
      `Medians over ${REPEATS} runs, each on a fresh hub and store; publisher, broker, hub and subscriber share one Node process.`,
    '',
    markdownTable(['store', 'incidents × runs', 'hub/s', 'raw/s', 'hub/raw', 'bare during hub /s', 'stored/sent'], rows) + note,
  ].join('\n');
}

interface RatePoint {
  rate: number;
  runs: LatencyResult[];
}

const sustained = (r: LatencyResult) =>
  r.hubMs.length === r.count && r.publishedPerS >= 0.9 * r.ratePerS && quantile(r.hubMs, 0.99) <= SUSTAINED_P99_MS;

async function repeatLoad(probe: LatencyProbe, rate: number, count: number, ctx: BenchContext, first?: LatencyResult): Promise<RatePoint> {
  const runs = first ? [first] : [];
  while (runs.length < REPEATS) {
    ctx.log(`hub latency: ${count} at ${rate}/s, run ${runs.length + 1}/${REPEATS}…`);
    runs.push(await probe.load(count, rate, 5_000));
  }
  return { rate, runs };
}

function latencyRow(label: string, p: RatePoint): (string | number)[] {
  const m = (f: (r: LatencyResult) => number) => median(p.runs.map(f));
  const hub50 = m((r) => quantile(r.hubMs, 0.5));
  const hub99 = m((r) => quantile(r.hubMs, 0.99));
  const raw50 = m((r) => quantile(r.brokerMs, 0.5));
  const raw99 = m((r) => quantile(r.brokerMs, 0.99));
  return [
    label,
    fmt(m((r) => r.publishedPerS), 0),
    p.runs.map((r) => `${r.hubMs.length}/${r.count}`).join(', '),
    fmt(hub50, 2),
    fmt(hub99, 2),
    fmt(raw50, 2),
    fmt(raw99, 2),
    `**${fmt(hub50 / raw50, 1)}** / **${fmt(hub99 / raw99, 1)}**`,
  ];
}

async function latencySection(ctx: BenchContext): Promise<string> {
  const rig = await startHubRig({ store: 'sqlite' });
  try {
    const probe = await openLatencyProbe(rig);
    try {
      const at100 = await repeatLoad(probe, 100, 300, ctx);
      const at1000 = await repeatLoad(probe, 1000, 2000, ctx);
      // Step the rate up until a step is not sustained; then confirm the best step over
      // REPEATS runs (median p99, everything in), falling back a step when it does not hold.
      const steps: string[] = [];
      const passed: { rate: number; first: LatencyResult }[] = [];
      for (const rate of SEARCH_RATES) {
        ctx.log(`hub latency: search step ${rate}/s…`);
        const r = await probe.load(Math.round(rate * SEARCH_SECONDS), rate, 5_000);
        const ok = sustained(r);
        steps.push(`${rate}/s: p99 ${fmt(quantile(r.hubMs, 0.99), 1)} ms, ${r.hubMs.length}/${r.count} in, published ${fmt(r.publishedPerS, 0)}/s → ${ok ? 'sustained' : 'not sustained'}`);
        if (!ok) break;
        passed.push({ rate, first: r });
      }
      const rows = [latencyRow('100/s', at100), latencyRow('1,000/s', at1000)];
      let max: RatePoint | null = null;
      for (const candidate of passed.reverse()) {
        const point = await repeatLoad(probe, candidate.rate, Math.round(candidate.rate * SEARCH_SECONDS), ctx, candidate.first);
        const held = point.runs.every((r) => r.hubMs.length === r.count) && median(point.runs.map((r) => quantile(r.hubMs, 0.99))) <= SUSTAINED_P99_MS;
        steps.push(`confirm ${candidate.rate}/s over ${REPEATS} runs: median p99 ${fmt(median(point.runs.map((r) => quantile(r.hubMs, 0.99))), 1)} ms → ${held ? 'holds' : 'does not hold'}`);
        if (held) {
          max = point;
          break;
        }
        rows.push(latencyRow(`${candidate.rate.toLocaleString('en-US')}/s (not sustained over ${REPEATS} runs)`, point));
      }
      if (max) rows.push(latencyRow(`${max.rate.toLocaleString('en-US')}/s (max sustained)`, max));
      const best = max;
      return [
        '### Publish → Socket.IO receipt',
        '',
        'An edge publishes `open` incidents at QoS1 at a fixed rate to a hub with a SQLite file store; a supervisor\'s socket.io-client (WebSocket) times each from publish to receipt, ' +
          'and a bare MQTT subscriber on the same broker times the same messages (peer). ' +
          'Edge, broker, hub and both clients share one Node process, so the SQLite writes also delay the bare subscriber: under load the two columns move together. ' +
          `Medians over ${REPEATS} runs of each run's p50 and p99 (100/s: 300 incidents a run; 1,000/s: 2,000; max: ${SEARCH_SECONDS} s of load). One hub serves every load (its store grows to ~10k incidents).`,
        '',
        markdownTable(['rate', 'published/s', 'received', 'hub p50 ms', 'hub p99 ms', 'bare p50 ms', 'bare p99 ms', 'hub/bare p50 / p99'], rows),
        '',
        `**Max sustainable rate, method:** rates ${SEARCH_RATES.join(', ')}/s are tried in turn for ${SEARCH_SECONDS} s each; a rate is sustained when every incident reaches the Socket.IO client, ` +
          `the edge keeps ≥ 90 % of the target rate and the hub's p99 stays ≤ ${SUSTAINED_P99_MS} ms (past capacity, messages queue and p99 grows with the backlog). ` +
          'The search stops at the first rate not sustained; the last sustained rate is then run twice more and kept when the median p99 of the three runs holds, otherwise the next lower step is tried. Steps of this run:',
        '',
        ...steps.map((s) => `- ${s}`),
        best ? '' : '\nNo step was sustained: the max sustainable rate is below the first step.',
      ].join('\n');
    } finally {
      await probe.close();
    }
  } finally {
    await rig.close();
  }
}

async function memorySection(ctx: BenchContext): Promise<string> {
  const m = await measureHubMemory({ institutions: 50, edgesPerInstitution: 10, camerasPerEdge: 10, rounds: REPEATS, periodS: 10, log: ctx.log });
  const mib = (b: number) => fmt(b / 2 ** 20, 1);
  return [
    '### Resident memory with 5,000 cameras\' status',
    '',
    `The hub (embedded broker, SQLite file store) runs alone in a child process with ${m.edges} edges seeded (50 institutions × 10). ` +
      `This process opens ${m.edges} MQTT connections, one per edge with that edge's own login (the embedded broker's ACL confines an edge to its own topics, ` +
      'so one connection cannot publish for several; all edges share one password, hashed once with the hub\'s scrypt parameters), each with its Last Will, ' +
      `and publishes a retained \`EdgeStatus\` of 10 cameras per edge every 10 s, ${m.rounds} rounds (${m.statusesApplied} statuses stored). ` +
      'RSS is read in the hub process after a full GC; each figure is the median of 3 samples (after connection: of the 3 status rounds).',
    '',
    markdownTable(['state', 'RSS MiB', 'Δ vs before MiB'], [
      ['hub started, 500 edges in the store, no connection', mib(m.rssBefore), '–'],
      [`${m.edges} edges connected (logins took ${fmt(m.connectS, 1)} s)`, mib(m.rssConnected), mib(m.rssConnected - m.rssBefore)],
      [`${m.cameras.toLocaleString('en-US')} cameras' status, every 10 s`, mib(m.rssWithStatus), mib(m.rssWithStatus - m.rssBefore)],
    ]),
    '',
    `Per camera: **${fmt((m.rssWithStatus - m.rssBefore) / m.cameras / 1024, 1)} KiB** RSS (connections included); ` +
      `status alone ${fmt((m.rssWithStatus - m.rssConnected) / m.cameras / 1024, 1)} KiB; per edge connection ${fmt((m.rssConnected - m.rssBefore) / m.edges / 1024, 1)} KiB ` +
      `(part of it is memory glibc keeps after the scrypt logins). JS heap with status: ${mib(m.heapWithStatus)} MiB.`,
  ].join('\n');
}

export async function run(ctx: BenchContext): Promise<BenchSection> {
  const throughput = await throughputSection(ctx);
  const latency = await latencySection(ctx);
  const memory = await memorySection(ctx);
  return {
    title: 'Hub: ingest throughput, publish → Socket.IO latency, memory',
    body: [throughput, latency, memory].join('\n\n'),
  };
}
