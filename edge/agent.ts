/**
 * The edge agent, composed in one place: per camera capture → health → vision → rules,
 * incidents (with snapshots) through the durable publisher, status at least every 10 s.
 * Without a vision pipeline it still captures, watches health and delivers.
 */
import { readFileSync } from 'node:fs';
import { SCHEMA_VERSION, type EdgeStatus, type IncidentEvent } from '../protocol/index.ts';
import { readFrames } from './capture/index.ts';
import { captureFpsOf, type CameraConfig, type EdgeConfig } from './config/schema.ts';
import { IncidentLifecycle } from './incident-lifecycle.ts';
import { createPublisher, type Publisher } from './publish/index.ts';
import { CameraRunner, type CaptureFactory, type CameraEventContext } from './agent-camera.ts';
import { makeSnapshot, type SnapshotRenderer } from './agent-snapshot.ts';
import type { RgbFrame, RuleEngine, VisionPipeline } from './types.ts';
import { join } from 'node:path';
import { ConfigChannel } from './attendance/config-channel.ts';
import { EntranceCamera } from './attendance/entrance.ts';
import type { FaceRecognizer } from './attendance/recognizer.ts';
import type { AttendanceEvent } from '../protocol/index.ts';

export type { CaptureFactory } from './agent-camera.ts';

const WATCHDOG_MS = 250;
export type { SnapshotRenderer } from './agent-snapshot.ts';

export interface AgentDeps {
  config: EdgeConfig;
  /** Default: ffmpeg through `readFrames` in live mode at the camera's analysis size and rate. */
  capture?: CaptureFactory;
  now?: () => number;
  vision?: VisionPipeline;
  /** One rule engine per camera; `lifecycle` makes its incident ids and seqs. */
  rules?: (camera: CameraConfig, lifecycle: IncidentLifecycle) => RuleEngine;
  /** Default: MQTT publisher with the on-disk outbox from the config. */
  publisher?: Publisher;
  render?: SnapshotRenderer;
  log?: (msg: string) => void;
  /** Rule tick period, ms (the watchdog runs every 250 ms). */
  tickMs?: number;
  /** Called with every incident event after it is queued (tests, local display). */
  onIncident?: (ev: IncidentEvent) => void;
  /** Face attendance for `entrance` cameras (models loaded, template store open). */
  attendance?: FaceRecognizer;
  /** The time an entrance frame counts as taken (default: when it was received, `frame.at`); tests run a simulated day. */
  attendanceClock?: (frame: RgbFrame) => Date;
  /** Called with every attendance event after it is queued. */
  onAttendance?: (ev: AttendanceEvent) => void;
  /** Where the applied hub config version is kept (default `<outboxDir>/edge-config.json`). */
  configStateFile?: string;
}

export interface Agent {
  readonly publisher: Publisher;
  start(): void;
  /**
   * One-button alarm from input `inputId` (config `alarm.inputs`): a critical `alarm`
   * incident, opened and ended at once (the press is the event; people acknowledge it on
   * the hub), delivered through the outbox like every incident. Null for an unknown input.
   */
  raiseAlarm(inputId: string): IncidentEvent | null;
  /** Current status (rates since the previous call). */
  status(): EdgeStatus;
  cameras(): CameraRunner[];
  /** The hub → edge config channel (consent list, applied version). */
  readonly configChannel: ConfigChannel;
  /** The face recogniser (entrance cameras), when loaded. */
  readonly attendance: FaceRecognizer | undefined;
  /** Entrance cameras' attendance logic, by camera id. */
  readonly entrances: Map<string, EntranceCamera>;
  stop(): Promise<void>;
}

export function edgeVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/**
 * Live capture of a camera: at its burst rate when a vision pipeline analyses bursts
 * (`camera.burstFps`, edge/vision/burst.ts), else at its analysis rate `fps`.
 */
export function liveCapture(bursts: boolean): CaptureFactory {
  return (camera, signal, stats) =>
    readFrames({
      source: camera.source,
      width: camera.width,
      height: camera.height,
      fps: bursts ? captureFpsOf(camera) : camera.fps,
      transport: camera.transport,
      realtime: true,
      signal,
      stats,
    });
}

export function createAgent(deps: AgentDeps): Agent {
  const { config } = deps;
  const now = deps.now ?? Date.now;
  const log = deps.log ?? ((msg: string) => console.error(msg));
  const version = edgeVersion();
  const startedAt = now();
  const hub = config.hub;
  const backend = deps.vision?.backend ?? 'none';

  const baseStatus = (state: 'online' | 'offline'): Omit<EdgeStatus, 'cameras'> => ({
    schema: SCHEMA_VERSION,
    institutionId: hub.institutionId,
    edgeId: hub.edgeId,
    state,
    version,
    at: new Date(now()).toISOString(),
    uptimeS: Math.round((now() - startedAt) / 1000),
    backend,
  });
  const offlineStatus = (): EdgeStatus => ({
    ...baseStatus('offline'),
    cameras: config.cameras.map((c) => ({
      id: c.id,
      ...(c.name !== undefined ? { name: c.name } : {}),
      state: 'offline' as const,
      expectedFps: c.fps,
      deliveredFps: 0,
      analysedFps: 0,
      reconnectsLastHour: 0,
      stallsLastHour: 0,
      lastFrameAt: null,
      reason: 'edge agent offline',
    })),
  });

  const publisher =
    deps.publisher ??
    createPublisher({
      hub,
      outboxDir: config.outboxDir,
      willStatus: offlineStatus,
      backoff: { initialMs: config.health.backoffInitialSeconds * 1000, maxMs: config.health.backoffMaxSeconds * 1000 },
      now,
      log,
    });
  const lifecycle = new IncidentLifecycle({ institutionId: hub.institutionId, edgeId: hub.edgeId, now });

  const emitFor = (camera: CameraConfig) => (events: IncidentEvent[], ctx: CameraEventContext) => {
    for (const ev of events) {
      let snapshot: Uint8Array | null = null;
      if (ev.type === 'open' && ctx.frame && ev.kind !== 'camera_offline') {
        try {
          const snap = makeSnapshot(ctx.frame, ctx.analysis, ev, camera.zones, deps.render);
          ev.snapshot = snap.meta;
          snapshot = snap.jpeg;
        } catch (err) {
          log(`camera ${camera.id}: snapshot of ${ev.id} failed: ${(err as Error).message}`);
        }
      }
      publisher.publishIncident(ev);
      if (snapshot) publisher.publishSnapshot(ev.id, snapshot);
      deps.onIncident?.(ev);
    }
  };

  const recognizer = deps.attendance;
  const entrances = new Map<string, EntranceCamera>();
  const att = config.attendance;
  for (const camera of config.cameras) {
    if (camera.role !== 'entrance') continue;
    if (!recognizer || !att) {
      log(`camera ${camera.id}: entrance camera without face models (vision off): capture and health only; attendance by hand on the dashboard`);
      continue;
    }
    entrances.set(
      camera.id,
      new EntranceCamera({
        institutionId: hub.institutionId,
        edgeId: hub.edgeId,
        cameraId: camera.id,
        recognise: (img) => recognizer.recognise(img),
        publish: (ev) => {
          publisher.publishAttendance(ev);
          deps.onAttendance?.(ev);
        },
        analysisFps: att.analysisFps,
        dedupMs: att.dedupMinutes * 60_000,
        direction: att.direction,
        outFrom: att.outFrom,
        log,
      }),
    );
  }
  const configChannel = new ConfigChannel({
    institutionId: hub.institutionId,
    edgeId: hub.edgeId,
    ...(recognizer ? { store: recognizer.store } : {}),
    stateFile: deps.configStateFile ?? join(config.outboxDir, 'edge-config.json'),
    publishAck: (ack) => publisher.publishConfigAck(ack),
    onConsent: (childIds, deleted) => {
      recognizer?.setConsent(childIds);
      for (const e of entrances.values()) e.forget(deleted);
      if (deleted.length > 0) log(`face templates deleted (consent withdrawn): ${deleted.join(', ')}`);
    },
    now: () => new Date(now()),
    log,
  });

  const runners = config.cameras.map((camera) => {
    const entrance = entrances.get(camera.id);
    return new CameraRunner({
      camera,
      health: config.health,
      lifecycle,
      capture: deps.capture ?? liveCapture(deps.vision !== undefined && camera.role !== 'entrance'),
      now,
      vision: camera.role === 'entrance' ? undefined : deps.vision,
      rules: camera.role === 'entrance' ? undefined : deps.rules?.(camera, lifecycle),
      emit: emitFor(camera),
      frameHook: entrance ? (frame) => entrance.onFrame(frame, deps.attendanceClock?.(frame) ?? new Date(frame.at)).then(() => undefined) : undefined,
      log,
    });
  });

  /**
   * Incident state lives in memory, so incidents a previous run left open (crash, restart)
   * can never be resolved by the new run's rules. Close them explicitly; a condition that
   * still holds opens a fresh incident within its own debounce time.
   */
  const closeLeftovers = () => {
    for (const ev of publisher.openIncidents()) {
      publisher.publishIncident({
        ...ev,
        type: 'resolved',
        seq: ev.seq + 1,
        at: new Date(now()).toISOString(),
        message: 'closed when the edge agent restarted; re-opened as a new incident if the condition persists',
      });
    }
  };

  let presses = 0;
  const raiseAlarm = (inputId: string): IncidentEvent | null => {
    const input = config.alarm?.inputs.find((a) => a.id === inputId);
    if (!input) return null;
    const camera = config.cameras.find((c) => c.id === input.cameraId);
    const zoneName = camera?.zones.find((z) => z.id === input.zoneId)?.name ?? input.name;
    const key = `alarm/${input.id}/${(presses += 1)}`;
    const opened = lifecycle.open(key, {
      kind: 'alarm',
      severity: 'critical',
      cameraId: input.cameraId ?? null,
      zoneId: input.zoneId ?? null,
      ...(zoneName !== undefined ? { zoneName } : {}),
      evidence: { input: input.id },
      message: `alarm input ${input.id} pressed`,
    });
    const ended = lifecycle.resolve(key);
    for (const ev of [opened, ended]) {
      publisher.publishIncident(ev);
      deps.onIncident?.(ev);
    }
    log(`alarm input ${input.id} pressed: incident ${opened.id}`);
    return opened;
  };

  const status = (): EdgeStatus => ({
    ...baseStatus('online'),
    cameras: runners.map((r) => {
      const seen = r.peopleSeen.value();
      return { ...r.health.status(), ...(seen ? { peopleSeen: seen } : {}) };
    }),
  });
  const timers: NodeJS.Timeout[] = [];
  let started = false;

  return {
    publisher,
    start() {
      if (started) return;
      started = true;
      closeLeftovers();
      // The persisted consent list is enforced first; then the hub's retained config comes.
      void configChannel.start().then(
        () => publisher.onConfig((payload) => void configChannel.handle(payload).catch((err: Error) => log(`config: ${err.message}`))),
        (err: Error) => log(`config: ${err.message}`),
      );
      for (const r of runners) r.start();
      timers.push(
        // The watchdog runs often so `offline` follows the limit closely (≤ limit + 0.25 s).
        setInterval(() => {
          for (const r of runners) r.watch();
        }, WATCHDOG_MS),
        setInterval(() => {
          const t = now();
          for (const r of runners) r.tick(t);
        }, deps.tickMs ?? 1000),
        setInterval(() => publisher.publishStatus(status()), hub.statusIntervalSeconds * 1000),
      );
      publisher.publishStatus(status());
    },
    raiseAlarm,
    status,
    cameras: () => runners,
    configChannel,
    entrances,
    attendance: recognizer,
    async stop() {
      for (const t of timers.splice(0)) clearInterval(t);
      await Promise.all(runners.map((r) => r.stop()));
      for (const e of entrances.values()) e.flush(now(), true);
      await deps.vision?.close();
      await publisher.close(offlineStatus());
    },
  };
}
