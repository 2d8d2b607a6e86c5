// Column types drizzle lacks out of the box.
import { customType } from 'drizzle-orm/pg-core';

/** Raw bytes (keys, signatures, payloads) as Uint8Array in code, bytea in PostgreSQL. */
export const bytea = customType<{ data: Uint8Array; driverData: Buffer }>({
  dataType: () => 'bytea',
  toDriver: (v) => Buffer.from(v),
  fromDriver: (v) => new Uint8Array(v),
});
