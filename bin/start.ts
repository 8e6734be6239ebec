/**
 * `anyu start` (what `npm start` runs): the whole pipeline on embedded defaults — the hub
 * with its embedded MQTT broker and SQLite store, the dashboard, and a demo edge whose
 * camera plays sample footage in real time, looped. Everything stops on SIGINT/SIGTERM.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildDashboard } from '../dashboard/build.ts';
import { startHub, type StartedHub } from '../hub/cli.ts';
import { DEMO } from '../hub/seed.ts';
import { createEdgeRuntime } from '../edge/compose.ts';
import { parseConfig, ConfigError } from '../edge/config/index.ts';
import { resolveSampleVideo } from '../edge/demo/index.ts';
import type { Agent } from '../edge/agent.ts';

const USAGE = `usage: anyu start [options]   (npm start -- [options])

  --data <dir>        data folder (SQLite, demo credentials, edge outbox)   default ./data
  --http-port <n>     dashboard and API                                      default 8080
  --host <addr>       listen address of the dashboard and API   default 127.0.0.1 (this machine only);
                      0.0.0.0 opens the demo (and its printed passwords) to your network
  --mqtt-port <n>     embedded MQTT broker                                   default 1884
  --source <file|url> the demo camera's source                 default vtest.avi (see README)
  --no-edge           hub and dashboard only
  --no-vision         demo edge without models (capture, health and delivery only)
  -h, --help          this text`;

function demoEdgeConfig(opts: { dataDir: string; mqttPort: number; password: string; source: string; scene: 'room' | 'open' }) {
  const full: [number, number][] = [[0, 0], [1, 0], [1, 1], [0, 1]];
  return parseConfig(
    {
      hub: {
        url: `mqtt://127.0.0.1:${opts.mqttPort}`,
        institutionId: DEMO.institution.id,
        edgeId: DEMO.edgeId,
        username: DEMO.edgeId,
        password: opts.password,
      },
      outboxDir: join(opts.dataDir, 'edge-outbox'),
      cameras: [
        {
          id: DEMO.camera.id,
          name: DEMO.camera.name,
          source: opts.source,
          fps: 5,
          width: 768,
          height: 576,
          // The sample is a street seen from afar (the `open` scene); a source of your own is
          // taken for a room camera, the edge's default (edge/vision/scene.ts).
          scene: opts.scene,
          zones: [
            { id: DEMO.room.id, name: DEMO.room.name, type: 'room', polygon: full, classType: 'toddler_small', capacity: 15 },
            // The sample shows adults on a square, so the demo adds a small zone whose
            // capacity the passers-by exceed now and then: crowding incidents to look at.
            { id: 'demo-zone', name: '演示区', type: 'play', polygon: [[0, 0.3], [1, 0.3], [1, 1], [0, 1]], capacity: 4 },
          ],
        },
      ],
    },
    opts.dataDir,
    'demo edge config',
  );
}

export interface StartOptions {
  dataDir: string;
  httpPort: number;
  httpHost: string;
  mqttPort: number;
  source: string | undefined;
  edge: boolean;
  vision: boolean;
  help: boolean;
}

/** `anyu start` flags; throws with a usage message on a bad one. Loopback unless `--host` says otherwise. */
export function parseStartArgs(args: string[]): StartOptions {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      data: { type: 'string', default: './data' },
      'http-port': { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      'mqtt-port': { type: 'string', default: '1884' },
      source: { type: 'string' },
      'no-edge': { type: 'boolean', default: false },
      'no-vision': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const httpPort = Number(values['http-port']);
  const mqttPort = Number(values['mqtt-port']);
  if (![httpPort, mqttPort].every((p) => Number.isInteger(p) && p > 0 && p < 65_536)) {
    throw new Error('--http-port and --mqtt-port must be port numbers 1–65535');
  }
  return {
    dataDir: resolve(values.data),
    httpPort,
    httpHost: values.host,
    mqttPort,
    source: values.source,
    edge: !values['no-edge'],
    vision: !values['no-vision'],
    help: values.help,
  };
}

export async function run(args: string[]): Promise<number> {
  let opts: StartOptions;
  try {
    opts = parseStartArgs(args);
  } catch (err) {
    console.error(`anyu start: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const { dataDir, httpPort, mqttPort } = opts;
  const log = (line: string) => console.log(line);

  log('anyu start: building the dashboard (first run only)…');
  const dashboardDir = await buildDashboard();
  let started: StartedHub;
  try {
    started = await startHub(
      { dataDir, http: { port: httpPort, host: opts.httpHost }, mqtt: { embedded: { port: mqttPort, host: '127.0.0.1' } }, dashboardDir },
      { seedDemo: true, log, logFormat: 'pretty' },
    );
  } catch (err) {
    console.error(`anyu start: the hub could not start: ${(err as Error).message}`);
    return 1;
  }

  let agent: Agent | null = null;
  if (opts.edge && started.demo) {
    try {
      const source = opts.source ?? (await resolveSampleVideo({ log }));
      const config = demoEdgeConfig({ dataDir, mqttPort, password: started.demo.edge.password, source, scene: opts.source === undefined ? 'open' : 'room' });
      agent = await createEdgeRuntime({ config, vision: opts.vision, log: (m) => log(`[demo edge] ${m}`) });
      agent.start();
      log(`anyu start: demo edge '${DEMO.edgeId}' analysing ${source}`);
    } catch (err) {
      const msg = err instanceof ConfigError ? err.message : (err as Error).message;
      console.error(`anyu start: the demo edge could not start (${msg}); the hub and dashboard keep running.`);
    }
  }
  log(`\nAnyu is running: open ${started.url} and log in as admin, supervisor or regulator`);
  const users = started.demo?.users ?? {};
  for (const [user, password] of Object.entries(users)) {
    log(`  ${user.padEnd(11)} ${password ?? '(set earlier; see ' + join(dataDir, 'demo-credentials.json') + ')'}`);
  }
  log('Press Ctrl+C to stop.');

  const sig = await new Promise<NodeJS.Signals>((res) => {
    process.once('SIGINT', () => res('SIGINT'));
    process.once('SIGTERM', () => res('SIGTERM'));
  });
  log(`anyu start: ${sig}, stopping…`);
  await agent?.stop();
  await started.hub.close();
  return 0;
}
