/**
 * Every BullMQ queue in the product, with its payload schema, in one place: producers and workers
 * import the same definition, so a payload shape cannot drift between them.
 *
 * Jobs carry batches (lists of row ids), never single reports: BullMQ moves on the order of 10k
 * jobs/s here and reports arrive faster than that. Jobs are also never the only copy of anything:
 * each names rows already committed to PostgreSQL, and a poller can re-derive lost jobs from rows.
 */
import { Type, type Static, type TSchema } from 'typebox';

export interface QueueDefinition<S extends TSchema = TSchema> {
  /** BullMQ queue name (no ':' allowed by BullMQ). */
  name: string;
  payload: S;
  description: string;
}

function defineQueue<S extends TSchema>(name: string, payload: S, description: string): QueueDefinition<S> {
  return { name, payload, description };
}

const IdBatch = Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: 10_000 });

export const queueRegistry = {
  verifyBeacons: defineQueue(
    'poc-verify-beacons',
    Type.Object({ beaconIds: IdBatch }, { additionalProperties: false }),
    'Beacon report ids whose entropy window has closed: verify each beacon and all its witnesses.',
  ),
} as const;

export type QueueName = keyof typeof queueRegistry;
export type PayloadOf<Q extends QueueName> = Static<(typeof queueRegistry)[Q]['payload']>;
