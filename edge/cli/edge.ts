/**
 * `anyu edge --config <file>`: runs one edge agent until SIGINT/SIGTERM, then stops every
 * camera (ffmpeg torn down), publishes an `offline` status and exits 0. A bad config
 * exits 2 with the failing field named.
 */
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { pressAlarm, startAlarmServer, type AlarmServer } from '../alarm-input.ts';
import { postEnrolPhoto, startEnrolServer, type EnrolServer } from '../attendance/enrol-server.ts';
import { createEdgeRuntime } from '../compose.ts';
import { ConfigError, loadConfig } from '../config/index.ts';

const USAGE = `usage: anyu edge --config <file.yaml|file.json> [--no-vision]

Runs an edge agent: captures every configured camera, watches camera health, runs
person detection, pose and the safety rules, and delivers incidents and status to the
hub over MQTT (durable outbox on disk).

  -c, --config <file>  edge configuration (see edge/README.md)
  --no-vision          capture, camera health and delivery only (no models)
  -h, --help           this text

anyu edge alarm --config <file> --input <id>: press a one-button alarm input of the
running agent (for a GPIO or button script; see edge/README.md "One-button alarm")

anyu edge enrol --config <file> --child <id> --photo a.jpg [--photo b.jpg]: enrol a
child's face on the running agent (only with the guardian's consent on record; see
edge/README.md "Attendance")`;

const ENROL_USAGE = `usage: anyu edge enrol --config <file.yaml> --child <child id> --photo <a.jpg> [--photo <b.jpg> …]

Sends each photo to the edge agent running with that config (loopback only), which
enrols the child's face if the hub's consent list names the child. Photos are not
kept; only their descriptors, encrypted. Exit 0 when every photo was enrolled, 1 when the
agent refused one or could not be reached, 2 on a bad config or flag.`;

async function runEnrol(args: string[]): Promise<number> {
  let values: { config?: string | undefined; child?: string | undefined; photo?: string[] | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({ args, strict: true, options: { config: { type: 'string', short: 'c' }, child: { type: 'string' }, photo: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    console.error(`anyu edge enrol: ${(err as Error).message}\n\n${ENROL_USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(ENROL_USAGE);
    return 0;
  }
  if (!values.config || !values.child || !values.photo?.length) {
    console.error(`anyu edge enrol: --config, --child and at least one --photo are required\n\n${ENROL_USAGE}`);
    return 2;
  }
  const config = configOrNull(values.config);
  if (!config) return 2;
  if (!config.attendance) {
    console.error(`anyu edge enrol: ${values.config} has no attendance section (edge/README.md "Attendance")`);
    return 2;
  }
  for (const file of values.photo) {
    let photo: Buffer;
    try {
      photo = await readFile(file);
    } catch (err) {
      console.error(`anyu edge enrol: cannot read ${file}: ${(err as Error).message}`);
      return 2;
    }
    try {
      const { status, body } = await postEnrolPhoto(config.attendance.http, values.child, photo);
      if (status !== 201) {
        console.error(`anyu edge enrol: ${file}: refused (${status}): ${String(body.error)}`);
        return 1;
      }
      console.log(`${file}: enrolled (${String(body.templates)} template(s) for ${values.child})`);
    } catch (err) {
      console.error(`anyu edge enrol: no edge agent answered at ${config.attendance.http.host}:${config.attendance.http.port} (${(err as Error).message}); is it running with this config?`);
      return 1;
    }
  }
  return 0;
}

const ALARM_USAGE = `usage: anyu edge alarm --config <file.yaml> --input <alarm input id>

Asks the edge agent running with that config to raise a critical alarm from the input.
Exit 0 when the agent took it (it then delivers it through its outbox), 1 when the
agent could not be reached or refused it, 2 on a bad config or flag.`;

/** Loads a config, printing its problems; null when it is bad. */
function configOrNull(file: string) {
  try {
    return loadConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return null;
    }
    throw err;
  }
}

async function runAlarm(args: string[]): Promise<number> {
  let values: { config?: string | undefined; input?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({ args, strict: true, options: { config: { type: 'string', short: 'c' }, input: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    console.error(`anyu edge alarm: ${(err as Error).message}\n\n${ALARM_USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(ALARM_USAGE);
    return 0;
  }
  if (!values.config || !values.input) {
    console.error(`anyu edge alarm: --config and --input are required\n\n${ALARM_USAGE}`);
    return 2;
  }
  const config = configOrNull(values.config);
  if (!config) return 2;
  if (!config.alarm) {
    console.error(`anyu edge alarm: ${values.config} has no alarm section (edge/README.md "One-button alarm")`);
    return 2;
  }
  try {
    const { status, body } = await pressAlarm(config.alarm.http, values.input);
    if (status === 202) {
      console.log(`alarm raised: incident ${String(body.incident)}`);
      return 0;
    }
    console.error(`anyu edge alarm: the agent refused (${status}): ${String(body.error)}`);
    return 1;
  } catch (err) {
    console.error(`anyu edge alarm: no edge agent answered at ${config.alarm.http.host}:${config.alarm.http.port} (${(err as Error).message}); is it running with this config?`);
    return 1;
  }
}

export async function run(args: string[]): Promise<number> {
  if (args[0] === 'alarm') return runAlarm(args.slice(1));
  if (args[0] === 'enrol') return runEnrol(args.slice(1));
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
  const config = configOrNull(values.config);
  if (!config) return 2;
  const log = (msg: string) => console.error(`[edge ${config.hub.edgeId}] ${msg}`);
  // Signals that arrive while models load must still stop the agent cleanly.
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const agent = await createEdgeRuntime({ config, vision: !values['no-vision'], log });
  agent.start();
  let alarmServer: AlarmServer | null = null;
  if (config.alarm) {
    try {
      alarmServer = await startAlarmServer({ http: config.alarm.http, raise: (id) => agent.raiseAlarm(id)?.id ?? null, log });
    } catch (err) {
      log(`alarm inputs unavailable: cannot listen on ${config.alarm.http.host}:${config.alarm.http.port} (${(err as Error).message})`);
    }
  }
  let enrolServer: EnrolServer | null = null;
  if (config.attendance && agent.attendance) {
    try {
      enrolServer = await startEnrolServer({ ...config.attendance.http, recognizer: agent.attendance, log });
    } catch (err) {
      log(`face enrolment unavailable: cannot listen on ${config.attendance.http.host}:${config.attendance.http.port} (${(err as Error).message})`);
    }
  }
  log(`started with ${config.cameras.length} camera(s), hub ${config.hub.url}`);
  const signal = await stopRequested;
  log(`${signal}: stopping`);
  await alarmServer?.close();
  await enrolServer?.close();
  await agent.stop();
  return 0;
}
