/**
 * A hotspot's name: the three words (adjective, colour, animal) Helium derives from its address
 * with its angry-purple-tiger digest (MD5 of the base58 address folded to three bytes, one word
 * list of 256 each), written as Helium's APIs wrote it: lower case, joined by dashes
 * ("feisty-glass-dalmatian"). Owners know their hotspots by these names and explorers look them up
 * by them. The same address always gives the same name, so it needs no registration; but there are
 * only 256^3 names, so two hotspots may share one and a lookup by name answers a list.
 */
import { hash } from 'node:crypto';
import adjectives from 'angry-purple-tiger/lib/adjectives.js';
import colors from 'angry-purple-tiger/lib/colors.js';
import animals from 'angry-purple-tiger/lib/animals.js';

/** The library's word lists, lower case, in its order: a digest byte indexes each. */
const WORDS = [adjectives, colors, animals].map((list) => list.map((w) => w.toLowerCase()));

/**
 * The library's digest with node's MD5: the library hashes in JavaScript (`md5` package), 11-20 µs
 * a name here, which a page of a thousand hotspots or a PoC list's witnesses would feel; this is
 * 1.2-2 µs (one-shot `hash`, no Hash object per name). Same steps: MD5 of the address, its 16
 * bytes cut into 3 segments (5, 5 and the last 6), each folded by XOR into one byte that picks the
 * word. The unit test holds it to the library's own function on thousands of addresses.
 */
export function hotspotName(address: string): string {
  const digest = hash('md5', address, 'buffer');
  const segment = Math.floor(digest.length / 3);
  const picks = [0, 0, 0];
  for (let i = 0; i < digest.length; i++) picks[Math.min(2, Math.floor(i / segment))]! ^= digest[i]!;
  return `${WORDS[0]![picks[0]!]}-${WORDS[1]![picks[1]!]}-${WORDS[2]![picks[2]!]}`;
}

/** Each word of a name comes from its own list, in this order. */
const WORD_LISTS = WORDS.map((list) => new Set(list));
const WORD_KINDS = ['adjective', 'colour', 'animal'] as const;

/** Why a text is not a name, or a name's start, for the 400 that says so. */
export type HotspotNameProblem = { ok: false; message: string };
export type ParsedHotspotName = { ok: true; value: string } | HotspotNameProblem;

/**
 * The canonical form of a name as people write it: "Feisty Glass Dalmatian", "feisty_glass_dalmatian"
 * and "feisty  glass-dalmatian" are all "feisty-glass-dalmatian". Spaces, underscores and dashes
 * separate words; case does not matter. A trailing separator is kept: in a search, "feisty " means
 * the first word is complete.
 */
export function canonicalHotspotName(input: string): string {
  return input.trimStart().toLowerCase().replace(/[\s_-]+/g, '-');
}

/** The first word that is not in its list (complete words only), as a problem; undefined when all are. */
function unknownWord(words: readonly string[]): HotspotNameProblem | undefined {
  for (const [i, word] of words.entries()) {
    if (!/^[a-z]+$/.test(word)) return { ok: false, message: `"${word}" is not a word of letters` };
    if (!WORD_LISTS[i]!.has(word)) return { ok: false, message: `"${word}" is not one of the ${WORD_KINDS[i]}s hotspot names are made of` };
  }
  return undefined;
}

/** The canonical full name, or why the text cannot be any hotspot's name (a 400, not an empty answer). */
export function parseHotspotName(input: string): ParsedHotspotName {
  const name = canonicalHotspotName(input.trimEnd());
  const words = name.split('-');
  if (words.length !== 3) return { ok: false, message: 'a hotspot name is three words: adjective, colour, animal ("feisty-glass-dalmatian")' };
  return unknownWord(words) ?? { ok: true, value: name };
}

/**
 * The canonical start of a name to search by, or why no name can start so: up to three words, each
 * complete one in its list; the last may be cut short ("feisty gl").
 */
export function parseHotspotNamePrefix(input: string): ParsedHotspotName {
  const prefix = canonicalHotspotName(input);
  const words = prefix.split('-');
  const partial = words.pop()!;
  if (words.length > 2) return { ok: false, message: 'a hotspot name has three words; to find one whole name, GET /v1/hotspots/name/{name}' };
  if (words.length === 0 && partial === '') return { ok: false, message: 'search is the start of a hotspot name ("feisty gl")' };
  if (!/^[a-z]*$/.test(partial)) return { ok: false, message: `"${partial}" is not a word of letters` };
  return unknownWord(words) ?? { ok: true, value: prefix };
}
