import { describe, expect, it } from 'vitest';
import { AdminKeys } from './admin-keys';

describe('admin keys', () => {
  it('tells the current key from the previous one and refuses others', () => {
    const keys = new AdminKeys('adm_new', 'adm_old');
    expect([keys.match('adm_new'), keys.match('adm_old'), keys.match('adm_other'), keys.match(''), keys.match('adm_ne')]).toEqual(['current', 'previous', undefined, undefined, undefined]);
  });

  it('accepts only the current key when no rotation is under way', () => {
    const keys = new AdminKeys('adm_new');
    expect([keys.match('adm_new'), keys.match(''), keys.match('adm_old')]).toEqual(['current', undefined, undefined]);
  });
});
