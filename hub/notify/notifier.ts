/**
 * Telling a guardian about their child (issue 26). The hub always pushes in-page over
 * Socket.IO (room `guardian:<userId>`, see live.ts); beyond that, any number of
 * `GuardianNotifier`s receive the same message: this is the plug for an SMS gateway or a
 * messaging service. `WebhookNotifier` POSTs JSON to one URL (`guardianWebhookUrl`), which
 * a small adapter in front of a gateway can turn into an SMS. A notifier must never throw
 * into the hub: failures are logged and counted by the caller, and nothing is retried
 * (the page and the calendar still show everything; a text message is a courtesy).
 */
import type { GuardianPush } from '../../protocol/index.ts';

export interface GuardianMessage {
  /** Guardian user ids of the child (the gateway's side maps them to phone numbers). */
  userIds: string[];
  institutionId: string;
  push: GuardianPush;
}

export interface GuardianNotifier {
  readonly name: string;
  notify(m: GuardianMessage): Promise<void>;
}

/** POSTs `{ userIds, institutionId, push }` as JSON; a non-2xx answer is an error. */
export class WebhookNotifier implements GuardianNotifier {
  readonly name = 'webhook';
  readonly #url: string;
  readonly #timeoutMs: number;
  readonly #secret: string | undefined;

  constructor(url: string, opts: { timeoutMs?: number; secret?: string } = {}) {
    this.#url = url;
    this.#timeoutMs = opts.timeoutMs ?? 5_000;
    this.#secret = opts.secret;
  }

  async notify(m: GuardianMessage): Promise<void> {
    const res = await fetch(this.#url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.#secret ? { authorization: `Bearer ${this.#secret}` } : {}) },
      body: JSON.stringify(m),
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    await res.body?.cancel();
    if (!res.ok) throw new Error(`guardian webhook answered ${res.status}`);
  }
}
