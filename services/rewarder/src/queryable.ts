// Repository functions run on the pool or inside a transaction: both are postgres.js ISql.
import type postgres from 'postgres';

export type Queryable = postgres.ISql;
