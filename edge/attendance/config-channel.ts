/**
 * The edge side of the hub → edge config channel (protocol/config.ts): every message on
 * the edge's own `…/config` topic is validated, applied once per version and acknowledged.
 * - versions only grow: a version below the applied one is ignored; the applied version
 *   again (the hub re-publishes until it hears an ack) is acknowledged again, unchanged;
 * - `faceConsent.childIds`: enrolment is allowed for these children only, and every template
 *   of a child not listed is deleted from the encrypted store before the ack, which lists
 *   the ids deleted and the ids still enrolled;
 * - `cameras` (reserved for remote camera configuration) is not supported yet: the consent
 *   part is still applied (a withdrawal must never wait), the ack says `ok: false` and why;
 * - the applied version and consent list are kept in `stateFile`, so a restarted edge
 *   enforces them before the retained config arrives again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EdgeConfig, EdgeConfigAck, SCHEMA_VERSION } from '../../protocol/index.ts';
import type { TemplateStore } from './template-store.ts';

export interface ConfigChannelOptions {
  institutionId: string;
  edgeId: string;
  /** Absent when this edge has no attendance section: nothing to enrol or delete. */
  store?: TemplateStore;
  stateFile: string;
  publishAck: (ack: EdgeConfigAck) => void;
  /** Told the new consent list and the children deleted (recogniser, entrance cameras). */
  onConsent?: (childIds: string[], deleted: string[]) => void;
  now?: () => Date;
  log?: (msg: string) => void;
}

interface State {
  version: number;
  childIds: string[];
  lastAck?: EdgeConfigAck;
}

export class ConfigChannel {
  private state: State = { version: 0, childIds: [] };
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: ConfigChannelOptions) {
    if (existsSync(opts.stateFile)) this.state = JSON.parse(readFileSync(opts.stateFile, 'utf8')) as State;
  }

  get appliedVersion(): number {
    return this.state.version;
  }

  get consent(): string[] {
    return [...this.state.childIds];
  }

  /** Enforces the persisted consent list on start (templates of anyone not on it are deleted). */
  async start(): Promise<string[]> {
    const deleted = this.opts.store && this.state.version > 0 ? await this.opts.store.retainOnly(this.state.childIds) : [];
    this.opts.onConsent?.(this.state.childIds, deleted);
    return deleted;
  }

  /** One MQTT message from the config topic; serialised, so versions apply in order. */
  handle(payload: Buffer | string): Promise<EdgeConfigAck | null> {
    const run = this.queue.then(() => this.apply(payload));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private log(msg: string): void {
    this.opts.log?.(`config: ${msg}`);
  }

  private ack(version: number, ok: boolean, deleted: string[], error?: string): EdgeConfigAck {
    return EdgeConfigAck.parse({
      schema: SCHEMA_VERSION,
      institutionId: this.opts.institutionId,
      edgeId: this.opts.edgeId,
      version,
      at: (this.opts.now?.() ?? new Date()).toISOString(),
      ok,
      ...(error !== undefined ? { error: error.slice(0, 500) } : {}),
      enrolled: this.opts.store?.childIds() ?? [],
      deleted,
    });
  }

  private async apply(payload: Buffer | string): Promise<EdgeConfigAck | null> {
    let raw: unknown;
    try {
      raw = JSON.parse(payload.toString());
    } catch {
      this.log('ignored a message that is not JSON');
      return null;
    }
    const parsed = EdgeConfig.safeParse(raw);
    if (!parsed.success) {
      const v = (raw as { version?: unknown } | null)?.version;
      const issue = parsed.error.issues[0];
      const why = `invalid config: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'schema'}`;
      this.log(why);
      if (typeof v === 'number' && Number.isInteger(v) && v > this.state.version) {
        const ack = this.ack(v, false, [], why);
        this.opts.publishAck(ack);
        return ack;
      }
      return null;
    }
    const cfg = parsed.data;
    if (cfg.institutionId !== this.opts.institutionId || cfg.edgeId !== this.opts.edgeId) {
      this.log(`ignored a config for ${cfg.institutionId}/${cfg.edgeId}`);
      return null;
    }
    if (cfg.version < this.state.version) {
      this.log(`ignored version ${cfg.version}: version ${this.state.version} is applied`);
      return null;
    }
    if (cfg.version === this.state.version && this.state.lastAck) {
      const again = { ...this.state.lastAck, at: (this.opts.now?.() ?? new Date()).toISOString() };
      this.opts.publishAck(again);
      return again;
    }
    const childIds = [...new Set(cfg.faceConsent.childIds)].sort();
    const deleted = this.opts.store ? await this.opts.store.retainOnly(childIds) : [];
    this.opts.onConsent?.(childIds, deleted);
    const error = cfg.cameras !== undefined ? 'remote camera configuration (cameras) is not supported by this edge yet; face consent applied' : undefined;
    const ack = this.ack(cfg.version, error === undefined, deleted, error);
    this.state = { version: cfg.version, childIds, lastAck: ack };
    await mkdir(dirname(this.opts.stateFile), { recursive: true });
    const tmp = `${this.opts.stateFile}.tmp`;
    await writeFile(tmp, JSON.stringify(this.state));
    await rename(tmp, this.opts.stateFile);
    this.log(`applied version ${cfg.version}: ${childIds.length} children with consent, ${deleted.length} deleted`);
    this.opts.publishAck(ack);
    return ack;
  }
}
