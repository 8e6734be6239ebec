import { describe } from 'vitest';
import { defineAttendanceScenario } from './attendance-scenario.ts';

const url = process.env.MQTT_URL;
if (!url) console.warn('attendance against Mosquitto skipped: MQTT_URL is not set (e.g. MQTT_URL=mqtt://127.0.0.1:1883)');

describe.skipIf(!url)('attendance through the hub as a client of an external broker (MQTT_URL, stand-in edge)', () => {
  defineAttendanceScenario({ kind: 'external', url: url ?? '' });
});
