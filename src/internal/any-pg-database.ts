import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'

/** Any Drizzle PostgreSQL database or transaction: postgres.js, PGlite, node-postgres, Bun SQL, ... */
// biome-ignore lint/suspicious/noExplicitAny: the schema parameter is the caller's own.
export type AnyPgDatabase = PgDatabase<PgQueryResultHKT, any, any>
