/**
 * The full edge runtime from a validated config: vision pipeline (unless disabled), one
 * rule engine per camera, snapshots, publisher. `anyu edge` and `anyu start` both use it,
 * so the demo runs exactly what a site runs.
 */
import { createAgent, type Agent, type AgentDeps } from './agent.ts';
import { createRuleEngine } from './analytics/index.ts';
import type { EdgeConfig } from './config/schema.ts';
import { createVisionPipeline } from './vision/pipeline.ts';

export interface EdgeRuntimeOptions {
  config: EdgeConfig;
  /** Run person detection, pose and the safety rules (default true). */
  vision?: boolean;
  log?: (msg: string) => void;
  onIncident?: AgentDeps['onIncident'];
}

export async function createEdgeRuntime(opts: EdgeRuntimeOptions): Promise<Agent> {
  const { config } = opts;
  const log = opts.log ?? ((msg: string) => console.error(msg));
  const vision = opts.vision === false ? undefined : await createVisionPipeline({ log });
  return createAgent({
    config,
    log,
    ...(vision ? { vision } : {}),
    ...(vision
      ? {
          rules: (camera, lifecycle) =>
            createRuleEngine({ cameraId: camera.id, zones: camera.zones, rules: config.rules ?? {}, lifecycle }),
        }
      : {}),
    ...(opts.onIncident ? { onIncident: opts.onIncident } : {}),
  });
}
