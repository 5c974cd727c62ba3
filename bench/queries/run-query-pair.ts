import { type Check, type Comparison, type Database, ratio } from '../results.ts'
import { log, median, rotated, timed } from '../timing.ts'

/** A query answered by ours and by a hand-written baseline, on the same data. */
export interface QueryPair<A, B> {
  id: string
  title: string
  database: Database
  params: Record<string, string | number>
  ours: { label: string; run: () => Promise<A> }
  baseline: { name: string; label: string; run: () => Promise<B> }
  /** Whether both answered the same (compared once, on the warm-up answers). */
  same(ours: A, baseline: B): Check
  note?: string
}

/** Most time spent on the timed runs of one pair (the run count adapts, at least 3). */
const BUDGET_MS = 20_000
/** Time a fast pair may take beyond its 5x `repeats` runs, up to 20x. */
const FAST_MS = 1000

/**
 * Runs both once (warm-up, and the answers are compared), then timed runs of each (see `runs`),
 * alternating which goes first; reports the median milliseconds and ours' speed-up.
 */
export async function runQueryPair<A, B>(pair: QueryPair<A, B>, repeats: number): Promise<Comparison> {
  let oursAnswer: A | undefined
  let baselineAnswer: B | undefined
  const warmOurs = await timed(async () => {
    oursAnswer = await pair.ours.run()
  })
  const warmBaseline = await timed(async () => {
    baselineAnswer = await pair.baseline.run()
  })
  const check = pair.same(oursAnswer as A, baselineAnswer as B)
  // Slow pairs get fewer runs (at least 3), fast ones up to 5x `repeats`, and those whose runs
  // take a few milliseconds up to 20x when that fits in about a second: a median of a few
  // milliseconds needs many samples on a shared machine (25 runs of a 1.5 ms pair moved the ratio
  // from 1.05x to 1.46x between two runs here).
  const pairMs = Math.max(1, warmOurs + warmBaseline)
  const fit = Math.floor(BUDGET_MS / pairMs)
  const runs = Math.max(Math.min(repeats, 3), Math.min(repeats * 5, fit), Math.min(repeats * 20, Math.floor(FAST_MS / pairMs)))
  const samples: Record<'ours' | 'baseline', number[]> = { ours: [], baseline: [] }
  for (let i = 0; i < runs; i++) {
    for (const side of rotated(['ours', 'baseline'] as const, i)) {
      samples[side].push(await timed(() => (side === 'ours' ? pair.ours.run() : pair.baseline.run())))
    }
  }
  const comparison: Comparison = {
    id: pair.id,
    group: 'queries',
    database: pair.database,
    title: pair.title,
    unit: 'ms',
    params: { ...pair.params, runs },
    entries: [
      { name: 'ours', label: pair.ours.label, value: median(samples.ours), samples: samples.ours.map(round) },
      { name: pair.baseline.name, label: pair.baseline.label, value: median(samples.baseline), samples: samples.baseline.map(round) },
    ],
    ratios: [],
    checks: [check],
    ...(pair.note ? { note: pair.note } : {}),
  }
  comparison.ratios = [ratio(comparison, 'ours', pair.baseline.name)]
  log(
    `${pair.id}: ours ${median(samples.ours).toFixed(2)} ms, ${pair.baseline.name} ${median(samples.baseline).toFixed(2)} ms (${runs} runs)${check.ok ? '' : ` MISMATCH: ${check.detail}`}`,
  )
  return comparison
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100
}
