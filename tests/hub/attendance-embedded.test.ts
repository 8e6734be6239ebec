import { describe } from 'vitest';
import { defineAttendanceScenario } from './attendance-scenario.ts';

describe('attendance through the hub (embedded broker, stand-in edge)', () => {
  defineAttendanceScenario({ kind: 'embedded' });
});
