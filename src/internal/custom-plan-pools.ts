/*
 * The postgres.js pools the package opened itself, whose sessions run with
 * `plan_cache_mode = force_custom_plan` (see connection-options.ts): on those, queryRows may run
 * its reads as prepared statements. On any other pool a prepared statement is planned generically
 * from its sixth run on, and a generic plan of a query on a hypertable opens every chunk: with
 * thousands of chunks (five years of the package's 1-day x 4-partition chunks) that overflows the
 * lock table ("out of shared memory", reproduced on 2.19 with 8,000 chunks and 4 indexes), where
 * a custom plan opens only the chunks the time range keeps.
 */
const pools = new WeakSet<object>()

/** Records that `pool`'s sessions plan every statement for its parameters. */
export function markCustomPlans(pool: object): void {
  pools.add(pool)
}

/** Whether `pool` is one of the package's own, planning every statement for its parameters. */
export function plansCustom(pool: object): boolean {
  return pools.has(pool)
}
