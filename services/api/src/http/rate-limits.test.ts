import { describe, expect, it } from 'vitest';
import { keyCounterIds } from './rate-limits';

describe('rate limit counters of presented keys', () => {
  it('count a known key on its own, an unknown one by IP, and look a key up once while remembered', async () => {
    const asked: string[] = [];
    const idOf = keyCounterIds(async (hash) => {
      asked.push(hash);
      return hash.startsWith('a');
    });
    // sha256('k26') starts with 'a'; sha256('nope') does not.
    const known = await idOf('k26');
    expect(known).toMatch(/^key:a[0-9a-f]{23}$/);
    expect(await idOf('nope')).toBeNull();
    expect(await idOf('k26')).toBe(known);
    expect(await idOf('nope')).toBeNull();
    expect(asked).toHaveLength(2);
  });

  it('count by IP while the lookup fails, and ask again next time rather than remember the key as unknown', async () => {
    let up = false;
    const idOf = keyCounterIds(async () => {
      if (!up) throw new Error('database down');
      return true;
    });
    expect(await idOf('mk_x')).toBeNull();
    up = true;
    expect(await idOf('mk_x')).toMatch(/^key:/);
  });
});
