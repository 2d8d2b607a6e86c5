/**
 * The denylist as one version sees it: denied keys and denied (undirected) edges. A verdict names
 * the version it was checked against. Version 0 (nothing ever listed) denies nothing; Helium's
 * filter denied every key when none was loaded, which silently invalidated everything.
 */

export interface DenylistSnapshot {
  version: number;
  deniedKeys: ReadonlySet<string>;
  /** Edge keys from edgeKey(). */
  deniedEdges: ReadonlySet<string>;
}

export const EMPTY_DENYLIST: DenylistSnapshot = Object.freeze({ version: 0, deniedKeys: new Set<string>(), deniedEdges: new Set<string>() });

/** Edges are undirected: (a, b) and (b, a) are the same edge. */
export function edgeKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

export function isEdgeDenied(snapshot: DenylistSnapshot, a: string, b: string): boolean {
  return snapshot.deniedEdges.size > 0 && snapshot.deniedEdges.has(edgeKey(a, b));
}

export interface DenylistEntryFields {
  kind: 'key' | 'edge';
  address: string;
  otherAddress: string | null;
}

export function denylistSnapshot(version: number, entries: readonly DenylistEntryFields[]): DenylistSnapshot {
  const deniedKeys = new Set<string>();
  const deniedEdges = new Set<string>();
  for (const e of entries) {
    if (e.kind === 'key') deniedKeys.add(e.address);
    else if (e.otherAddress) deniedEdges.add(edgeKey(e.address, e.otherAddress));
  }
  return { version, deniedKeys, deniedEdges };
}
