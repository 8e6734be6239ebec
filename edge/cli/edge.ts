/**
 * `anyu edge --config <file>`: runs one edge agent until SIGINT/SIGTERM, then stops every
 * camera (ffmpeg torn down), publishes an `offline` status and exits 0. A bad config
 * exits 2 with the failing field named.
 */
import { parseArgs } from 'node:util';
import { createEdgeRuntime } from '../compose.ts';
import { ConfigError, loadConfig } from '../config/index.ts';

const USAGE = `usage: anyu edge --config <file.yaml|file.json> [--no-vision]

Runs an edge agent: captures every configured camera, watches camera health, runs
person detection, pose and the safety rules, and delivers incidents and status to the
hub over MQTT (durable outbox on disk).

  -c, --config <file>  edge configuration (see edge/README.md)
  --no-vision          capture, camera health and delivery only (no models)
  -h, --help           this text`;

export async function run(args: string[]): Promise<number> {
  let values: { config?: string | undefined; help?: boolean | undefined; 'no-vision'?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        config: { type: 'string', short: 'c' },
        'no-vision': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`anyu edge: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.config) {
    console.error(`anyu edge: --config is required\n\n${USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(values.config);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  const log = (msg: string) => console.error(`[edge ${config.hub.edgeId}] ${msg}`);
  // Signals that arrive while models load must still stop the agent cleanly.
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const agent = await createEdgeRuntime({ config, vision: !values['no-vision'], log });
  agent.start();
  log(`started with ${config.cameras.length} camera(s), hub ${config.hub.url}`);
  const signal = await stopRequested;
  log(`${signal}: stopping`);
  await agent.stop();
  return 0;
}
