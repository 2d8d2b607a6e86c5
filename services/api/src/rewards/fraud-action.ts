// What a paid epoch did with a fraud analytics flag: its parameter set's fraud policy.
import { Type, type Static } from 'typebox';

export const FraudAction = Type.Union([Type.Literal('exclude'), Type.Literal('downgrade'), Type.Literal('ignore'), Type.Null()], {
  description:
    "What the epoch's payment did with the flag (the fraud policy of its parameter set): exclude = no beacon or witness rewards (and left out of the density map), downgrade = beacon and witness shares scaled by 0.2, ignore = paid as usual. Data transfer is paid in every case. null while the epoch is not paid yet (flags may still change until then).",
});
export type FraudAction = Static<typeof FraudAction>;

const POLICIES: ReadonlySet<string> = new Set(['exclude', 'downgrade', 'ignore']);

/** The policy a parameter set names, or null (not paid yet, or a set naming no known policy: null rather than a 500 from the response schema). */
export function asFraudAction(policy: string | null): FraudAction {
  return policy !== null && POLICIES.has(policy) ? (policy as FraudAction) : null;
}
