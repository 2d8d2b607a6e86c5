/**
 * DevAddr blocks for organisations, carved out of the network's NetID range the way Helium sells
 * them (reference §2.5): an even number of addresses, at least 8, starting on an even address and
 * ending on an odd one. Blocks are handed out first-fit, so freed space is reused and the range
 * stays compact. Addresses are unsigned 32-bit numbers.
 */
import { devAddrRangeOfNetId, parseNetId } from '@cov/shared/lorawan/netid';

export const MIN_DEVADDR_BLOCK = 8;

export interface AddrBlock {
  /** Inclusive bounds. */
  start: number;
  end: number;
}

export function isValidBlockSize(count: number): boolean {
  return Number.isInteger(count) && count >= MIN_DEVADDR_BLOCK && count % 2 === 0;
}

/** The DevAddr range a NetID (6 hex) owns, or null for a malformed NetID. */
export function netIdAddrRange(netIdHex: string): AddrBlock | null {
  const netId = parseNetId(netIdHex);
  if (netId === null) return null;
  const { start, end } = devAddrRangeOfNetId(netId);
  return { start, end };
}

/**
 * The first free block of `count` addresses in `range` that overlaps none of `taken`, starting on
 * an even address; null when no gap is large enough.
 */
export function firstFreeBlock(range: AddrBlock, taken: readonly AddrBlock[], count: number): AddrBlock | null {
  if (!isValidBlockSize(count)) return null;
  const sorted = [...taken].filter((b) => b.end >= range.start && b.start <= range.end).sort((a, b) => a.start - b.start);
  let cursor = range.start + (range.start % 2);
  for (const block of sorted) {
    if (block.start - cursor >= count) break;
    const next = block.end + 1;
    if (next > cursor) cursor = next + (next % 2);
  }
  const end = cursor + count - 1;
  return end <= range.end ? { start: cursor, end } : null;
}

/**
 * True when every address of [start, end] is in one of the blocks (ranges given to routes must be).
 * Blocks that touch count as one: an org that grew by a block right after its first owns the two
 * as one span, and was refused a route range across them.
 */
export function insideBlocks(range: AddrBlock, blocks: readonly AddrBlock[]): boolean {
  return mergeTouching(blocks).some((b) => range.start >= b.start && range.end <= b.end);
}

/** The blocks as the fewest spans: sorted, overlapping or adjacent ones merged. */
export function mergeTouching(blocks: readonly AddrBlock[]): AddrBlock[] {
  const spans: AddrBlock[] = [];
  for (const b of [...blocks].sort((x, y) => x.start - y.start)) {
    const last = spans[spans.length - 1];
    if (last && b.start <= last.end + 1) last.end = Math.max(last.end, b.end);
    else spans.push({ start: b.start, end: b.end });
  }
  return spans;
}
