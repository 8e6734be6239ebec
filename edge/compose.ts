/**
 * The full edge runtime from a validated config: vision pipeline (unless disabled) with
 * the activity model tagging each track, one rule engine per camera, snapshots,
 * publisher. `anyu edge` and `anyu start` both use it, so the demo runs exactly what a
 * site runs. Whether the fall rule uses the activity label is `rules.fall.model`
 * (`off` by default, `veto` or `assist`; see models/activity/MODEL_CARD.md): the tags are
 * always there, so switching is configuration only.
 */
import { createAgent, type Agent, type AgentDeps } from './agent.ts';
import { createFaceRecognizer } from './attendance/index.ts';
import { createActivityTagger, createRuleEngine, type ActivityTagger } from './analytics/index.ts';
import { loadActivityClassifier, NON_COMMERCIAL_ACTIVITY_MODEL_DIR } from './analytics/activity-classifier.ts';
import { lyingSweepSecondsOf, type CameraConfig, type EdgeConfig } from './config/schema.ts';
import type { ActivityClassifier, VisionPipeline } from './types.ts';
import { HOLD_SWEEPS } from './vision/lying-sweep.ts';
import { createVisionPipeline, type VisionPipelineOptions } from './vision/pipeline.ts';

export interface EdgeRuntimeOptions {
  config: EdgeConfig;
  /** Run person detection, pose, the activity model and the safety rules (default true). */
  vision?: boolean;
  log?: (msg: string) => void;
  onIncident?: AgentDeps['onIncident'];
}

/** Tags every analysis with each track's activity; one tagger per camera (track ids are per camera). */
export function withActivity(vision: VisionPipeline, classifier: ActivityClassifier): VisionPipeline {
  const taggers = new Map<string, ActivityTagger>();
  return {
    backend: vision.backend,
    async analyse(cameraId, frame) {
      let tagger = taggers.get(cameraId);
      if (!tagger) {
        tagger = createActivityTagger(classifier);
        taggers.set(cameraId, tagger);
      }
      const analysis = await vision.analyse(cameraId, frame);
      return analysis && tagger.tag(analysis);
    },
    async close() {
      await vision.close();
      await classifier.dispose();
    },
  };
}

/** Each camera's lying-body sweep for the vision pipeline (`false`: none), from its period in seconds. */
export function lyingSweepSettings(config: Pick<EdgeConfig, 'cameras' | 'vision'>): Record<string, { everyMs: number; holdMs: number; inputWidth: number } | false> {
  return Object.fromEntries(
    config.cameras.map((camera) => {
      const everyMs = lyingSweepSecondsOf(camera, config.vision) * 1000;
      return [camera.id, everyMs > 0 ? { everyMs, holdMs: HOLD_SWEEPS * everyMs, inputWidth: config.vision.lyingSweepInputWidth } : false];
    }),
  );
}

/** Each camera's burst analysis (`false`: every captured frame analysed), from its `fps` and `burstFps`. */
export function burstSettings(config: Pick<EdgeConfig, 'cameras'>): Record<string, { calmFps: number } | false> {
  return Object.fromEntries(config.cameras.map((camera) => [camera.id, camera.burstFps > camera.fps ? { calmFps: camera.fps } : false]));
}

/** The vision pipeline's settings for a site: each camera's sweep and bursts, and how often the detector runs. */
export function visionSettings(config: Pick<EdgeConfig, 'cameras' | 'vision'>): VisionPipelineOptions {
  return {
    lyingSweep: false,
    lyingSweepByCamera: lyingSweepSettings(config),
    burstByCamera: burstSettings(config),
    sceneByCamera: Object.fromEntries(config.cameras.map((c) => [c.id, c.scene])),
    pixelAspectByCamera: Object.fromEntries(config.cameras.map((c) => [c.id, c.pixelAspect])),
    detectEvery: config.vision.detectEvery,
    fallSweep: config.vision.fallSweep ? {} : false,
  };
}

/** One camera's vision pipeline options as `createEdgeRuntime` runs it (for evaluations that run one camera at a time). */
export function cameraVisionOptions(camera: CameraConfig, vision: EdgeConfig['vision']): VisionPipelineOptions {
  const settings = visionSettings({ cameras: [camera], vision });
  return {
    lyingSweep: settings.lyingSweepByCamera?.[camera.id] ?? false,
    burst: settings.burstByCamera?.[camera.id] ?? false,
    scene: camera.scene,
    pixelAspect: camera.pixelAspect,
    detectEvery: vision.detectEvery,
    fallSweep: settings.fallSweep ?? false,
  };
}

export async function createEdgeRuntime(opts: EdgeRuntimeOptions): Promise<Agent> {
  const { config, onIncident } = opts;
  const log = opts.log ?? ((msg: string) => console.error(msg));
  if (opts.vision === false) return createAgent({ config, log, onIncident });

  const classifier = await loadActivityClassifier(config.vision.activityWeights === 'non-commercial' ? { dir: NON_COMMERCIAL_ACTIVITY_MODEL_DIR } : {});
  const settings = visionSettings(config);
  const swept = config.cameras.filter((c) => settings.lyingSweepByCamera?.[c.id] !== false).map((c) => c.id);
  if (swept.length > 0) log(`lying-body sweep on camera(s) ${swept.join(', ')}`);
  if (config.vision.detectEvery > 1) log(`person detection on 1 calm frame in ${config.vision.detectEvery} (vision.detectEvery)`);
  const vision = withActivity(await createVisionPipeline({ log, ...settings }), classifier);
  log(`activity model: ${classifier.name}`);
  const attendance = config.attendance && config.cameras.some((c) => c.role === 'entrance') ? await createFaceRecognizer(config.attendance, log) : undefined;
  if (attendance) log(`face attendance: descriptor ${attendance.descriptor}, accept ≥ ${attendance.accept}, propose ≥ ${attendance.propose}`);
  return createAgent({
    config,
    log,
    vision,
    ...(attendance ? { attendance } : {}),
    rules: (camera, lifecycle) => createRuleEngine({ cameraId: camera.id, zones: camera.zones, rules: config.rules ?? {}, lifecycle }),
    onIncident,
  });
}
