/**
 * The guardian notifier plug (hub/notify/notifier.ts) against a real local HTTP server:
 * the JSON it POSTs, a gateway that answers 500 or never answers is an error (the hub logs
 * it and carries on), and `--guardian-webhook` / ANYU_GUARDIAN_WEBHOOK_URL reach the config.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookNotifier } from '../../hub/notify/notifier.ts';
import { parseHubArgs } from '../../hub/cli.ts';

describe('WebhookNotifier', () => {
  let server: Server;
  let base = '';
  const got: { auth: string | undefined; body: unknown }[] = [];
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.url === '/hang') return; // never answers
        got.push({ auth: req.headers.authorization, body: JSON.parse(body) });
        res.writeHead(req.url === '/fail' ? 500 : 204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const message = { userIds: ['u1'], institutionId: 'inst-a', push: { type: 'attendance' as const, childId: 'kid-1', childName: '小明', direction: 'in' as const, at: '2026-12-01T00:00:00.000Z', source: 'staff' } };

  it('POSTs the message as JSON, with the shared secret when one is set', async () => {
    await new WebhookNotifier(`${base}/ok`, { secret: 's3cret' }).notify(message);
    expect(got.at(-1)).toEqual({ auth: 'Bearer s3cret', body: message });
  });

  it('a gateway answering 500, or not at all, is an error the caller can log', async () => {
    await expect(new WebhookNotifier(`${base}/fail`).notify(message)).rejects.toThrow(/500/);
    await expect(new WebhookNotifier(`${base}/hang`, { timeoutMs: 200 }).notify(message)).rejects.toThrow();
  });

  it('is configured by --guardian-webhook or ANYU_GUARDIAN_WEBHOOK_URL', () => {
    expect(parseHubArgs(['--guardian-webhook', 'http://sms.local/hook']).build.guardianWebhookUrl).toBe('http://sms.local/hook');
    expect(parseHubArgs([], { ANYU_GUARDIAN_WEBHOOK_URL: 'https://gw.example/h' }).build.guardianWebhookUrl).toBe('https://gw.example/h');
  });
});
