import { type SQL, sql } from 'drizzle-orm'

/** The aggregate's name; it lives in the schema of the hypertable whose aggregates use it. */
export const MERGE_VARIANCE = 'drizzle_timescale_merge_variance'

/**
 * `CREATE OR REPLACE AGGREGATE <schema>.drizzle_timescale_merge_variance(double precision[])`:
 * merges `{count, sum, squared deviations}` states with PostgreSQL's own `float8_combine`, the
 * function that merges the states of `var_samp` computed by parallel workers (Chan et al.'s
 * pairwise update: the squared deviations of two parts plus `n1 n2 / n (mean1 - mean2)^2`), and
 * `float8_var_samp` / `float8_stddev_samp` finish it. Core PostgreSQL only, C functions only.
 * Idempotent; written into a migration before the first continuous aggregate that needs it.
 *
 * @see https://www.postgresql.org/docs/current/xaggr.html
 */
export function createMergeVarianceSql(schema: string): SQL {
  return sql.raw(`CREATE OR REPLACE AGGREGATE ${mergeVarianceName(schema)}(double precision[]) (
      SFUNC = float8_combine, STYPE = double precision[], INITCOND = '{0,0,0}', COMBINEFUNC = float8_combine, PARALLEL = SAFE)`)
}

/** `"schema".drizzle_timescale_merge_variance`, quoted: the schema passed checkIdentifier. */
export function mergeVarianceName(schema: string): string {
  return `"${schema}".${MERGE_VARIANCE}`
}

/**
 * The rolled-up sample variance (or standard deviation) of buckets that each hold a count `n`, a
 * sum `s` and their squared deviations `m2` (SQL expressions over the finer rows).
 */
export function mergedVariance(schema: string, kind: 'variance' | 'stddev', n: SQL, s: SQL, m2: SQL): SQL {
  const finish = sql.raw(kind === 'variance' ? 'float8_var_samp' : 'float8_stddev_samp')
  return sql`${finish}(${sql.raw(mergeVarianceName(schema))}(ARRAY[(${n})::double precision, coalesce((${s})::double precision, 0), coalesce(${m2}, 0)]))`
}

/** A finer bucket's squared deviations from its stored variance or standard deviation and count. */
export function squaredDeviations(kind: 'variance' | 'stddev', spread: SQL, n: SQL): SQL {
  return kind === 'variance' ? sql`(${spread}) * ((${n}) - 1)` : sql`power(${spread}, 2) * ((${n}) - 1)`
}
