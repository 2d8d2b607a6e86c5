/**
 * When each maker and organisation API key was last used. Whoever rotates a key issues a new one,
 * moves its clients over, and needs to see that nothing still uses the old one before revoking it;
 * `lastUsedAt` in the key lists tells them.
 *
 * A use is a database write, and a write on every request would cost more than most of the reads
 * the keys guard. So each process writes a key's time at most once per KEY_USE_RESOLUTION_MS, and
 * the stored time is accurate to that resolution (several API replicas and routers each write it
 * at most that often, and the row is only moved forward).
 */
import { and, eq, isNull, lte, or } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { Db } from '../db/client';
import { makerApiKeys } from '../db/schema/makers';
import { orgApiKeys } from '../db/schema/routing';

export const KEY_USE_RESOLUTION_MS = 5 * 60_000;

/** Past this many keys the memory of recent writes starts again (each key then writes once more). */
const MAX_REMEMBERED_KEYS = 10_000;

export type ApiKeyOwner = 'maker' | 'org';

export class ApiKeyUse {
  /** Key id -> when this process last wrote its use (clock ms). */
  private readonly written = new Map<string, number>();

  constructor(
    private readonly db: Pick<Db, 'update'>,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /**
   * Notes that a live key was just used. Never throws: a failed write is logged and the request the
   * key authorised goes on (the next use writes again).
   */
  async record(owner: ApiKeyOwner, keyId: string): Promise<void> {
    const nowMs = this.clock.nowMs();
    const lastMs = this.written.get(keyId);
    if (lastMs !== undefined && nowMs - lastMs < KEY_USE_RESOLUTION_MS && nowMs >= lastMs) return;
    if (this.written.size >= MAX_REMEMBERED_KEYS) this.written.clear();
    this.written.set(keyId, nowMs);
    const table = owner === 'maker' ? makerApiKeys : orgApiKeys;
    const now = new Date(nowMs);
    const stale = new Date(nowMs - KEY_USE_RESOLUTION_MS);
    try {
      await this.db
        .update(table)
        .set({ lastUsedAt: now })
        .where(and(eq(table.id, keyId), or(isNull(table.lastUsedAt), lte(table.lastUsedAt, stale))));
    } catch (err) {
      this.written.delete(keyId);
      this.log.warn({ err, owner, keyId }, 'could not record an API key use');
    }
  }
}
