/**
 * Differences between two JSON documents (a published manifest and its recomputation), as paths
 * with both values, so a reader sees exactly which numbers moved. Hotspot lists are matched by
 * address, not by position, so one hotspot more or less does not shift every line after it.
 */

export interface Difference {
  path: string;
  published: unknown;
  recomputed: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const keyedByAddress = (v: unknown): v is Array<{ address: string }> =>
  Array.isArray(v) && v.every((x) => isObject(x) && typeof x.address === 'string');

export function jsonDifferences(published: unknown, recomputed: unknown, limit = 100): Difference[] {
  const out: Difference[] = [];
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (out.length >= limit) return;
    if (keyedByAddress(a) && keyedByAddress(b)) {
      const byA = new Map(a.map((x) => [x.address, x]));
      const byB = new Map(b.map((x) => [x.address, x]));
      for (const address of [...new Set([...byA.keys(), ...byB.keys()])].sort()) walk(byA.get(address), byB.get(address), `${path}[address=${address}]`);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`);
      return;
    }
    if (isObject(a) && isObject(b)) {
      for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) walk(a[key], b[key], path ? `${path}.${key}` : key);
      return;
    }
    if (a !== b) out.push({ path: path || '(root)', published: a, recomputed: b });
  };
  walk(published, recomputed, '');
  return out;
}
