/**
 * Which valid witnesses are rewarded: the first MAX_WITNESSES_PER_POC by ingest receive time
 * (Helium, since HIP-83), ties broken by report id so the choice is deterministic.
 */

export interface Receipt {
  id: string;
  receivedAtMs: number;
}

export function compareByReceipt(a: Receipt, b: Receipt): number {
  return a.receivedAtMs - b.receivedAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Ids of the selected witnesses among those that are valid. */
export function selectWitnesses<W extends Receipt & { valid: boolean }>(witnesses: readonly W[], maxWitnesses: number): Set<string> {
  return new Set(
    witnesses
      .filter((w) => w.valid)
      .sort(compareByReceipt)
      .slice(0, maxWitnesses)
      .map((w) => w.id),
  );
}
