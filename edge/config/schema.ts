/**
 * The edge agent's configuration: one site (institution), its hub connection and its
 * cameras. Validated with zod; relative paths are resolved against the config file's
 * folder by `loadConfig`.
 */
import { z } from 'zod';
import { Id, ZoneConfig } from '../../protocol/index.ts';
import { RulesConfig } from '../analytics/config.ts';
import { DEFAULT_SCENE, SCENES } from '../vision/scene.ts';

export const TlsConfig = z
  .object({
    ca: z.string().min(1).optional(),
    cert: z.string().min(1).optional(),
    key: z.string().min(1).optional(),
    rejectUnauthorized: z.boolean().default(true),
  })
  .strict();

export const HubConfig = z
  .object({
    url: z
      .string()
      .regex(/^(mqtts?|wss?|tcp|ssl):\/\/[^\s]+$/, 'must be an MQTT URL such as mqtt://host:1883 or mqtts://host:8883'),
    institutionId: Id,
    edgeId: Id,
    username: z.string().min(1).optional(),
    password: z.string().optional(),
    /** A file holding the password (e.g. a mounted secret); trailing newline ignored. */
    passwordFile: z.string().min(1).optional(),
    tls: TlsConfig.optional(),
    /** Status publish period; the contract asks for at most 10 s. */
    statusIntervalSeconds: z.number().positive().max(10).default(10),
  })
  .strict()
  .refine((h) => !(h.password !== undefined && h.passwordFile !== undefined), {
    message: 'give either password or passwordFile, not both',
    path: ['passwordFile'],
  });

/** A camera's default analysis rate (`fps`) and capture rate (`burstFps`); the fall evaluations default to them too. */
export const DEFAULT_CAMERA_FPS = 5;
export const DEFAULT_BURST_FPS = 10;

export const CameraConfig = z
  .object({
    id: Id,
    name: z.string().min(1).max(100).optional(),
    /** `rtsp://…` or a local file (played in real time and looped, for demos). */
    source: z.string().min(1),
    transport: z.enum(['tcp', 'udp']).default('tcp'),
    /** Analysis rate (frames a second while nobody is going down) and size of the scaled sub-stream. */
    fps: z.number().positive().max(30).default(DEFAULT_CAMERA_FPS),
    /**
     * Burst analysis (edge/vision/burst.ts): frames are captured `burstFps` a second, `fps`
     * of them analysed, and every one while someone's head is coming down fast. A fall
     * lasts under a second: at 5 frames a second the detector often loses the body before
     * the pose model sees it down (37 of 44 real falls found at 5 fps, 40 at 10, 39 with
     * bursts; models/activity/MODEL_CARD.md, "Ninth round"). At or below `fps`: no bursts, capture at `fps`.
     */
    burstFps: z.number().positive().max(30).default(DEFAULT_BURST_FPS),
    width: z.number().int().min(32).max(3840).default(640),
    height: z.number().int().min(32).max(2160).default(360),
    /**
     * Width ÷ height of one pixel of the captured frames as the scene shows it: 1 when
     * `width`:`height` is the camera's own picture shape (640×360 of a 16:9 camera); else the
     * ratio of the two shapes (a 16:9 camera captured at 640×480: (16/9)/(4/3) ≈ 1.33).
     * People are detected and sized as the scene shows them.
     */
    pixelAspect: z.number().min(0.25).max(4).default(1),
    /**
     * The kind of view (edge/vision/scene.ts): `room` (default) for a room seen from the
     * ceiling or high on a wall, `open` for a wide space seen from afar (yard, street).
     * It picks the detector's input size and thresholds and how tall an adult looks.
     */
    scene: z.enum(SCENES).default(DEFAULT_SCENE),
    zones: z.array(ZoneConfig).default([]),
    /**
     * Seconds between two lying-body sweeps of this camera, replacing the `vision` defaults
     * (`napLyingSweepSeconds` for a camera with a `nap` zone, else `lyingSweepSeconds`); 0 = off.
     */
    lyingSweepSeconds: z.number().min(0).max(60).optional(),
    /**
     * `room` (default): the safety pipeline. `entrance`: face attendance only
     * (edge/attendance), needs the `attendance` section.
     */
    role: z.enum(['room', 'entrance']).default('room'),
  })
  .strict();

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h, edge local time)');

/** Face attendance at `entrance` cameras (edge/attendance, edge README "Attendance"). */
export const AttendanceConfig = z
  .object({
    /** The encrypted template file (AES-256-GCM); never holds a photo or a plaintext template. */
    templateFile: z.string().min(1).default('./data/faces/templates.enc'),
    /**
     * A file holding the 32-byte key as 64 hex characters (`openssl rand -hex 32`); the
     * environment variable ANYU_FACE_KEY (64 hex) is used when this is not given.
     */
    keyFile: z.string().min(1).optional(),
    /**
     * Cosine similarity at or above which a match is a check-in (needsConfirm false); default
     * from `npm run eval:faces` (children's FAR 1e-3, models/README.md).
     */
    acceptThreshold: z.number().min(-1).max(1).optional(),
    /** Below acceptThreshold and at or above this: a proposal staff confirm (needsConfirm true); below: nothing. */
    proposeThreshold: z.number().min(-1).max(1).optional(),
    /** Frames a second the face module looks at on an entrance camera. */
    analysisFps: z.number().positive().max(10).default(2),
    /** One event per child and direction within this many minutes. */
    dedupMinutes: z.number().positive().max(24 * 60).default(30),
    /** `auto`: `in` before `outFrom`, `out` from then on (edge local time); or always `in` / `out`. */
    direction: z.enum(['auto', 'in', 'out']).default('auto'),
    outFrom: HHMM.default('12:00'),
    /** Smallest face (detection box side, px) worth matching. */
    minFacePx: z.number().int().min(16).max(1000).default(40),
    /** Loopback endpoint for enrolment (POST /enrol/<childId>, body: JPEG). */
    http: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65_535).default(9411),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 9411 }),
  })
  .strict()
  .refine((a) => LOOPBACK.test(a.http.host), { path: ['http', 'host'], message: 'the enrolment endpoint listens on loopback only (127.0.0.1 or ::1)' })
  .refine((a) => a.acceptThreshold === undefined || a.proposeThreshold === undefined || a.proposeThreshold <= a.acceptThreshold, {
    path: ['proposeThreshold'],
    message: 'must not be above acceptThreshold',
  });

export const TamperConfig = z
  .object({
    enabled: z.boolean().default(true),
    /** A condition must hold this long before `camera_tamper` opens, and be gone this long before it resolves. */
    onSeconds: z.number().positive().default(5),
    offSeconds: z.number().positive().default(5),
    /** Grey mean (0–255) below which the view counts as dark, with `darkMaxStd`. */
    darkMaxMean: z.number().min(0).max(255).default(20),
    /** Grey standard deviation below which a view is uniform (covered or blacked out). */
    uniformMaxStd: z.number().min(0).max(255).default(6),
    /** Seconds of identical frames before the view counts as frozen. */
    frozenSeconds: z.number().positive().default(10),
    /** Blur: Laplacian variance below this fraction of the learned baseline. */
    blurRatio: z.number().positive().max(1).default(0.25),
    /** Frames used to learn a camera's sharpness baseline. */
    baselineFrames: z.number().int().positive().default(25),
  })
  .strict();

export const HealthConfig = z
  .object({
    /**
     * No fresh frame for this long → camera offline. The contract allows at most 10 s; the
     * watchdog looks every 0.25 s, so the 9.5 s default keeps the alarm inside 10 s.
     */
    offlineAfterSeconds: z.number().positive().max(10).default(9.5),
    backoffInitialSeconds: z.number().positive().default(1),
    backoffMaxSeconds: z.number().positive().max(300).default(30),
    tamper: TamperConfig.default(TamperConfig.parse({})),
  })
  .strict();

export const VisionConfig = z
  .object({
    /**
     * Seconds between two lying-body sweeps of a camera without a `nap` zone (MoveNet
     * MultiPose on the whole frame, in the background, for people lying still whom the
     * detector misses, edge/vision/lying-sweep.ts); 0 (the default) = off. A sweep costs
     * ≈ 0.35 s of one core: once a second on every camera, a 2-core box sustained no live
     * 640×360 camera count tried (2 missed 15 % of their frames) instead of 2 (bench run before
     * the fall sweep; BENCHMARKS.md has the latest).
     */
    lyingSweepSeconds: z.number().min(0).max(60).default(0),
    /**
     * The same for a camera with a `nap` zone, default 1: children lie still there, and a
     * napping child the detector misses is missing from the ratio and unattended counts.
     * Measured (before the fall sweep): a 2-core box sustained 2 live cameras with one of them
     * sweeping, as without.
     */
    napLyingSweepSeconds: z.number().min(0).max(60).default(1),
    /**
     * MultiPose input width of the sweep (rounded to 32; the height follows the frame).
     * 384 costs about half a sweep (with detection on every 2nd frame, 4 live cameras with
     * one sweeping dropped 1.8 % of frames instead of 6.4 %; as the edge runs now both
     * widths sustained 2 before the fall sweep, BENCHMARKS.md) and found lying people on about as many GMDCSA24
     * frames (models/eval/sweep-width.ts), but small, distant bodies (children far from the
     * camera) are the first a smaller input loses, and no footage of those was measured.
     */
    lyingSweepInputWidth: z.number().int().min(128).max(1024).default(512),
    /**
     * Run the person detector on every k-th calm frame of a camera (frames analysed during
     * a burst are always detected); frames in between move the tracks on their motion
     * model and get no new pose. 1 (the default) detects on every analysed frame. See the
     * edge README for what 2 buys in cameras per box and costs in falls found.
     */
    detectEvery: z.number().int().min(1).max(10).default(1),
    /**
     * Fall sweep (edge/vision/lying-sweep.ts), on every camera: when the detector loses
     * someone in plain view or whose head was coming down, MoveNet MultiPose looks for a
     * lying body once, 0.5 s later, on the part of the frame where they may lie (about
     * twice their height around where they stood), and the camera waits for it (≈ 0.1–0.15 s
     * of one core). On the fall clips it finds 2 of 44 falls more; on a busy scene it
     * costs some live capacity (edge README, models/activity/MODEL_CARD.md "Eleventh
     * round", "Twelfth round"). `false` turns it off.
     */
    fallSweep: z.boolean().default(true),
    /**
     * Activity model weights the fall rule's `model` option uses: `permissive` (GMDCSA24 +
     * synthetic, usable commercially) or `non-commercial` (also trained on URFD, CC BY-NC-SA:
     * stronger out-of-fold, models/activity/MODEL_CARD.md).
     */
    activityWeights: z.enum(['permissive', 'non-commercial']).default('permissive'),
  })
  .strict();

/** One alarm input (a wall button wired to a GPIO line, a panic pendant): where it is. */
export const AlarmInputConfig = z.strictObject({
  id: Id,
  name: z.string().min(1).max(100).optional(),
  /** The camera that watches where the button is, if any. */
  cameraId: Id.optional(),
  /** The zone (room) of that camera the button is in. */
  zoneId: Id.optional(),
});

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/**
 * One-button alarm inputs and their local trigger: `anyu edge alarm --input <id>` (or any
 * HTTP client on the box) asks the running agent to raise a critical `alarm`. The
 * endpoint is a control socket for a local button daemon, on loopback by default; on any
 * other address it needs a token.
 */
export const AlarmConfig = z
  .strictObject({
    http: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(1).max(65_535).default(9410),
        /** Sent as `Authorization: Bearer <token>`; required off loopback. */
        token: z.string().min(16).optional(),
      })
      .default({ host: '127.0.0.1', port: 9410 }),
    inputs: z.array(AlarmInputConfig).min(1, 'at least one alarm input is needed'),
  })
  .refine((a) => LOOPBACK.test(a.http.host) || a.http.token !== undefined, {
    path: ['http', 'token'],
    message: 'a token is required when the alarm endpoint listens beyond loopback',
  });

export const EdgeConfig = z
  .object({
    hub: HubConfig,
    /** Folder of the durable outbox (SQLite file). */
    outboxDir: z.string().min(1).default('./data/outbox'),
    health: HealthConfig.default(HealthConfig.parse({})),
    vision: VisionConfig.default(VisionConfig.parse({})),
    cameras: z.array(CameraConfig).min(1, 'at least one camera is needed'),
    rules: RulesConfig.optional(),
    alarm: AlarmConfig.optional(),
    attendance: AttendanceConfig.optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    cfg.cameras.forEach((c, i) => {
      if (c.role === 'entrance' && !cfg.attendance) {
        ctx.addIssue({ code: 'custom', path: ['cameras', i, 'role'], message: 'an entrance camera needs the attendance section' });
      }
    });
    const seen = new Set<string>();
    cfg.cameras.forEach((c, i) => {
      if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: ['cameras', i, 'id'], message: `duplicate camera id '${c.id}'` });
      seen.add(c.id);
    });
    const inputs = new Set<string>();
    cfg.alarm?.inputs.forEach((a, i) => {
      if (inputs.has(a.id)) ctx.addIssue({ code: 'custom', path: ['alarm', 'inputs', i, 'id'], message: `duplicate alarm input id '${a.id}'` });
      inputs.add(a.id);
      if (a.cameraId !== undefined && !seen.has(a.cameraId)) {
        ctx.addIssue({ code: 'custom', path: ['alarm', 'inputs', i, 'cameraId'], message: `no camera '${a.cameraId}' in this config` });
      }
    });
  });

export type EdgeConfig = z.infer<typeof EdgeConfig>;
export type EdgeConfigInput = z.input<typeof EdgeConfig>;
export type CameraConfig = z.infer<typeof CameraConfig>;
export type HubConfig = z.infer<typeof HubConfig>;
export type HealthConfig = z.infer<typeof HealthConfig>;
export type TamperConfig = z.infer<typeof TamperConfig>;
export type VisionConfig = z.infer<typeof VisionConfig>;
export type AlarmConfig = z.infer<typeof AlarmConfig>;
export type AttendanceConfig = z.infer<typeof AttendanceConfig>;

/** Frames a second to capture from a camera: its burst rate when that is above its analysis rate. */
export function captureFpsOf(camera: Pick<CameraConfig, 'fps' | 'burstFps'>): number {
  return Math.max(camera.fps, camera.burstFps);
}

/** Seconds between a camera's lying-body sweeps: its own setting, else the `vision` default for its kind (nap zone or not). */
export function lyingSweepSecondsOf(camera: Pick<CameraConfig, 'zones' | 'lyingSweepSeconds'>, vision: Pick<VisionConfig, 'lyingSweepSeconds' | 'napLyingSweepSeconds'>): number {
  return camera.lyingSweepSeconds ?? (camera.zones.some((z) => z.type === 'nap') ? vision.napLyingSweepSeconds : vision.lyingSweepSeconds);
}
