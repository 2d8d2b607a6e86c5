/**
 * The admin keys an API process accepts: ADMIN_API_KEY, and during a rotation the key it replaces
 * (ADMIN_API_KEY_PREVIOUS). Without the previous one, a new key took effect replica by replica as
 * they restarted, and every admin client failed on one replica or the other until all had
 * restarted and every client had the new key. With it: set the new key and the old one as
 * previous, restart, move the clients, then unset the previous key and restart again.
 */
import { timingSafeEqual } from 'node:crypto';

export type AdminKeyMatch = 'current' | 'previous';

function sameKey(presented: Buffer, key: string): boolean {
  const expected = Buffer.from(key);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

export class AdminKeys {
  constructor(
    private readonly current: string,
    private readonly previous: string = '',
  ) {}

  /** Which admin key this is, if it is one (compared in constant time for its length). */
  match(presented: string): AdminKeyMatch | undefined {
    const bytes = Buffer.from(presented);
    if (sameKey(bytes, this.current)) return 'current';
    if (this.previous !== '' && sameKey(bytes, this.previous)) return 'previous';
    return undefined;
  }
}
