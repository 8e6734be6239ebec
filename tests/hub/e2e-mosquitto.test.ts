import { describe } from 'vitest';
import { defineE2E } from './e2e-scenario.ts';

const url = process.env.MQTT_URL;
if (!url) console.warn('hub e2e against Mosquitto skipped: MQTT_URL is not set (e.g. MQTT_URL=mqtt://127.0.0.1:1883)');

describe.skipIf(!url)('hub end to end as a client of an external broker (MQTT_URL)', () => {
  defineE2E({ kind: 'external', url: url ?? '' });
});
