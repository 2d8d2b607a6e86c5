import { describe, expect, it } from 'vitest';
import animalHash from 'angry-purple-tiger';
import { keypairFromLabel } from '../helium/keys';
import { canonicalHotspotName, hotspotName, parseHotspotName, parseHotspotNamePrefix } from './hotspot-name';

describe('hotspot names', () => {
  it('gives the names Helium gave these public addresses', () => {
    // Helium's own API named these hotspots so (helium_api_client example, pub.dev).
    expect(hotspotName('11yXFNu9Je9gvVfyuA8jS8z6faNcZW7kPwPApWYThTk416LGmU')).toBe('acidic-red-mouse');
    expect(hotspotName('11cxkqa2PjpJ9YgY9qK3Njn4uSFu6dyK9xV8XE4ahFSqN1YN2db')).toBe('tall-plum-griffin');
  });

  // Key generation dominates: about 1 s alone, several when both cores are busy with other suites.
  it('is the name angry-purple-tiger itself gives, for thousands of addresses', { timeout: 30_000 }, () => {
    for (let i = 0; i < 5000; i++) {
      const { address } = keypairFromLabel(`name/library/${i}`);
      expect(hotspotName(address)).toBe(animalHash(address, { style: 'lowercase', separator: '-' }));
    }
    // Any text, not only addresses: the digest is of the string's UTF-8 bytes.
    for (const text of ['', 'x', 'my ugly input string', 'ünïcødé']) expect(hotspotName(text), text).toBe(animalHash(text, { style: 'lowercase', separator: '-' }));
  });

  it('is three lower-case words that parse back to themselves', () => {
    for (let i = 0; i < 200; i++) {
      const name = hotspotName(keypairFromLabel(`name/${i}`).address);
      expect(name).toMatch(/^[a-z]+-[a-z]+-[a-z]+$/);
      expect(parseHotspotName(name)).toEqual({ ok: true, value: name });
    }
  });

  it('reads names as people write them', () => {
    for (const written of ['Acidic Red Mouse', 'acidic_red_mouse', '  ACIDIC  red-mouse ', 'acidic-red-mouse']) expect(parseHotspotName(written), written).toEqual({ ok: true, value: 'acidic-red-mouse' });
    for (const bad of ['', 'acidic red', 'acidic red mouse hat', 'acidic-red-m0use', 'acidic-red-mouse%', 'acidic--']) expect(parseHotspotName(bad).ok, bad).toBe(false);
  });

  it('says which word of a name is not in its list: a typo, never an empty answer', () => {
    expect(parseHotspotName('acidic red mosue')).toEqual({ ok: false, message: '"mosue" is not one of the animals hotspot names are made of' });
    expect(parseHotspotName('red acidic mouse')).toEqual({ ok: false, message: '"red" is not one of the adjectives hotspot names are made of' });
    expect(parseHotspotName('zz-not-valid').ok).toBe(false);
  });

  it('reads the start of a name to search by, keeping a finished word', () => {
    expect(parseHotspotNamePrefix('Acid')).toEqual({ ok: true, value: 'acid' });
    expect(parseHotspotNamePrefix('acidic ')).toEqual({ ok: true, value: 'acidic-' });
    expect(parseHotspotNamePrefix('Acidic Red Mo')).toEqual({ ok: true, value: 'acidic-red-mo' });
    expect(canonicalHotspotName('a__b  c')).toBe('a-b-c');
    // A finished word must be in its list; LIKE's wildcards and anything else but letters cannot reach a query.
    expect(parseHotspotNamePrefix('acidc red')).toEqual({ ok: false, message: '"acidc" is not one of the adjectives hotspot names are made of' });
    for (const bad of ['', ' ', 'a%', 'a_%', 'acidic-red-mouse-x', 'acidic red mouse ', '-acidic', 'acid1']) expect(parseHotspotNamePrefix(bad).ok, bad).toBe(false);
  });
});
