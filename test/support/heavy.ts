/*
 * The heavy sizes: years of backfill, hundreds of thousands of compressed upserts, the benchmark's
 * smoke run. `bun run test` (the README's command) leaves them out on the embedded database, where
 * each has a small form elsewhere in the suite; `bun run test:heavy` (DTS_HEAVY=1, what CI runs)
 * and every native server run them (`heavyOn`), or, for the spans of years, one server of the run
 * (`heavyOnce`). DTS_LONG=1 (longer still, by hand) implies them.
 */
import type { TestTarget } from './targets.ts'

/** DTS_HEAVY=1 or DTS_LONG=1. */
export const HEAVY = process.env.DTS_HEAVY === '1' || process.env.DTS_LONG === '1'

/** Whether a heavy test runs on `target`: always on a native server, on the embedded database only with {@link HEAVY}. */
export function heavyOn(target: Pick<TestTarget, 'kind'>): boolean {
  return HEAVY || target.kind !== 'embedded'
}

/**
 * Whether a heavy proof that needs one server, not each, runs on `target`: the full-license native
 * server when the run has one (what production looks like: the lock table and catalogs of 2.29),
 * else the first native server, else the embedded database with {@link HEAVY}. For the spans of
 * years (`long-spans`, `cli-backfill`), whose small forms run on every target.
 */
export function heavyOnce(
  target: Pick<TestTarget, 'kind' | 'license' | 'name'>,
  all: readonly Pick<TestTarget, 'kind' | 'license' | 'name'>[],
): boolean {
  const chosen = all.find((t) => t.kind === 'native' && t.license === 'timescale') ?? all.find((t) => t.kind === 'native')
  if (chosen) return chosen.name === target.name
  return HEAVY && target.kind === 'embedded'
}
