/**
 * Reads the current denylist version for the verifier. Snapshots are cached per version: the list
 * only changes through the admin API, which always creates a new version.
 */
import { denylistSnapshot, EMPTY_DENYLIST, type DenylistSnapshot } from './denylist-snapshot';
import type { Queryable } from './sql';
import { toNumber } from './sql';

export class DenylistCache {
  private cached: DenylistSnapshot = EMPTY_DENYLIST;

  /** The latest version (0 when nothing was ever listed), loaded within the caller's transaction. */
  async current(db: Queryable): Promise<DenylistSnapshot> {
    const [row] = await db`select coalesce(max(version), 0) as version from denylist_versions`;
    const version = toNumber(row?.version ?? 0);
    if (version === this.cached.version) return this.cached;
    // Active at version v: added at or before v and not removed at or before v.
    const entries = await db<{ kind: 'key' | 'edge'; address: string; other_address: string | null }[]>`
      select kind, address, other_address from denylist_entries
      where added_in_version <= ${version} and (removed_in_version is null or removed_in_version > ${version})`;
    this.cached = denylistSnapshot(
      version,
      entries.map((e) => ({ kind: e.kind, address: e.address, otherAddress: e.other_address })),
    );
    return this.cached;
  }
}
