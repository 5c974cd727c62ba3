/*
 * The heavy sizes: years of backfill, hundreds of thousands of compressed upserts, the benchmark's
 * smoke run. `bun run test` (the README's command) leaves them out on the embedded database, where
 * each has a small form elsewhere in the suite; `bun run test:heavy` (DTS_HEAVY=1, what CI runs)
 * and every native server run them. DTS_LONG=1 (longer still, by hand) implies them.
 */
import type { TestTarget } from './targets.ts'

/** DTS_HEAVY=1 or DTS_LONG=1. */
export const HEAVY = process.env.DTS_HEAVY === '1' || process.env.DTS_LONG === '1'

/** Whether a heavy test runs on `target`: always on a native server, on the embedded database only with {@link HEAVY}. */
export function heavyOn(target: Pick<TestTarget, 'kind'>): boolean {
  return HEAVY || target.kind !== 'embedded'
}
