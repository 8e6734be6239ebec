/**
 * Hub group of `npm run bench`: publish → Socket.IO latency at a steady rate, then a burst
 * for throughput, each with a bare MQTT subscriber on the same broker side by side.
 */
import type { BenchContext, BenchSection } from './run.ts';
import { formatLatency, measureHubLatency } from './hub-latency.ts';

export async function run(ctx: BenchContext): Promise<BenchSection> {
  const steady = await measureHubLatency({ count: 1000, ratePerS: 100, log: ctx.log });
  const burst = await measureHubLatency({ count: 2000, ratePerS: 0, log: ctx.log });
  return {
    title: 'Hub: MQTT publish → Socket.IO',
    body: [
      '### Steady load (`node bin/run-ts.mjs bench/hub-latency.ts --count 1000 --rate 100`)',
      '',
      formatLatency(steady),
      '',
      '### Burst (`node bin/run-ts.mjs bench/hub-latency.ts --count 2000 --rate 0`)',
      '',
      formatLatency(burst),
    ].join('\n'),
  };
}
