/*
 * Where the package records its applied migrations: read by migrate(db), the CLI and the
 * package's drizzle.config.ts (a module of its own, with no imports, so that drizzle-kit's
 * config bundling can load it).
 */

/** The package's own migrations table, so that a consuming project's folder never shares it. */
export const migrationsTable = '__drizzle_timescale_migrations'
/** The schema of {@link migrationsTable} (drizzle-kit's default). */
export const migrationsSchema = 'drizzle'
