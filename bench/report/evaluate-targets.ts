import type { BenchResults, Comparison, Metric, TargetResult } from '../results.ts'

/*
 * The targets, read from a run's comparisons. A ratio is oriented so that more than 1
 * means ours is better: rows/s of ours over theirs, or their milliseconds over ours.
 */

const find = (r: Pick<BenchResults, 'comparisons'>, id: string): Comparison | undefined => r.comparisons.find((c) => c.id === id)
const metric = (r: Pick<BenchResults, 'metrics'>, id: string): Metric | undefined => r.metrics.find((m) => m.id === id)
const ratioOf = (c: Comparison | undefined, of: string, to: string) => c?.ratios.find((x) => x.of === of && x.to === to)?.value ?? null

interface Spec {
  id: string
  description: string
  goal: string
  value: (r: BenchResults) => number | null
  met: (v: number) => boolean
  short: (v: number) => string
}

const atLeast = (goal: number) => ({
  met: (v: number) => v >= goal,
  short: (v: number) => `${v.toFixed(2)}x: ${(((goal - v) / goal) * 100).toFixed(0)}% short of ${goal}x`,
})

/** The databases a declared-table comparison runs on: the routed reads need the Timescale license (embedded, 2.29). */
const ALL_DATABASES = ['embedded', 'native', 'native-tsl'] as const
const ROUTED_DATABASES = ['embedded', 'native-tsl'] as const

/**
 * The worst of a declared-table ratio over `databases` (each `declared.<database>.<name>`): the
 * lowest, or for a time ratio (`time`: their speed over ours turned into our time over theirs) the
 * highest. `null` when none of them was measured.
 */
function worstDeclared(r: BenchResults, name: string, of: string, to: string, databases: readonly string[], time = false): number | null {
  const values = databases
    .map((d) => ratioOf(find(r, `declared.${d}.${name}`), of, to))
    .filter((v): v is number => v !== null)
    .map((v) => (time ? 1 / v : v))
  if (values.length === 0) return null
  return time ? Math.max(...values) : Math.min(...values)
}

const SPECS: Spec[] = [
  {
    id: 'ingest-vs-copy',
    description: 'Ingest (native): ours vs raw postgres.js COPY, rows/s',
    goal: '>= 0.9x',
    value: (r) => ratioOf(find(r, 'ingest.main'), 'ours', 'raw-copy'),
    ...atLeast(0.9),
  },
  {
    id: 'ingest-vs-naive',
    description: "Ingest (native): ours vs Drizzle's naive insert, rows/s",
    goal: '>= 4x',
    value: (r) => ratioOf(find(r, 'ingest.main'), 'ours', 'drizzle-naive'),
    ...atLeast(4),
  },
  {
    id: 'latest',
    description: "getLatestValues, 1,000 entities, vs the design's DISTINCT ON (native)",
    goal: '>= 10x faster',
    value: (r) => ratioOf(find(r, 'queries.native.latest'), 'ours', 'hand-written'),
    ...atLeast(10),
  },
  {
    id: 'buckets-one',
    description: 'getTimeBuckets hourly, 30 days, one entity, vs raw time_bucket (embedded: routed to hourly_metrics)',
    goal: '>= 10x faster',
    value: (r) => ratioOf(find(r, 'queries.embedded.buckets-one'), 'ours', 'hand-written'),
    ...atLeast(10),
  },
  {
    id: 'buckets-all',
    description: 'getTimeBuckets hourly, 30 days, every entity, vs raw time_bucket (embedded: routed to hourly_metrics)',
    goal: '>= 10x faster',
    value: (r) => ratioOf(find(r, 'queries.embedded.buckets-all'), 'ours', 'hand-written'),
    ...atLeast(10),
  },
  {
    id: 'records',
    description: 'getRecords (1,000 rows) vs the same query hand-written in postgres.js: our time / theirs (native)',
    goal: '<= 1.2x',
    value: (r) => {
      const x = ratioOf(find(r, 'queries.native.records'), 'ours', 'hand-written')
      return x === null ? null : 1 / x
    },
    met: (v) => v <= 1.2,
    short: (v) => `${v.toFixed(2)}x the hand-written time: ${(((v - 1.2) / 1.2) * 100).toFixed(0)}% over 1.2x`,
  },
  {
    id: 'buckets-all-tsl',
    description: 'getTimeBuckets hourly, 30 days, every entity, vs raw time_bucket (full-license 2.29: routed to hourly_metrics)',
    goal: '>= 10x faster',
    value: (r) => ratioOf(find(r, 'queries.native-tsl.buckets-all'), 'ours', 'hand-written'),
    ...atLeast(10),
  },
  {
    id: 'declared-ingest-copy',
    description: 'Declared table: insertMany vs raw COPY, rows/s (the lowest of embedded, 2.19, 2.29)',
    goal: '>= 0.95x',
    value: (r) => worstDeclared(r, 'ingest', 'ours', 'raw-copy', ALL_DATABASES),
    ...atLeast(0.95),
  },
  {
    id: 'declared-ingest-drizzle',
    description: "Declared table: insertMany vs Drizzle's insert().onConflictDoUpdate(), rows/s (the lowest of the three)",
    goal: '>= 2.5x',
    value: (r) => worstDeclared(r, 'ingest', 'ours', 'drizzle-insert', ALL_DATABASES),
    ...atLeast(2.5),
  },
  {
    id: 'declared-latest',
    description: 'Declared table: latest() of every key vs DISTINCT ON (the lowest of the three)',
    goal: '>= 10x faster',
    value: (r) => worstDeclared(r, 'latest-all', 'ours', 'distinct-on', ALL_DATABASES),
    ...atLeast(10),
  },
  {
    id: 'declared-buckets-dense',
    description: 'Declared table: routed daily buckets of one dense key vs raw time_bucket (the lower of embedded, 2.29)',
    goal: '>= 10x faster',
    value: (r) => worstDeclared(r, 'buckets-dense-key', 'ours', 'raw', ROUTED_DATABASES),
    ...atLeast(10),
  },
  {
    id: 'declared-buckets-all',
    description: 'Declared table: routed daily buckets of every key vs raw time_bucket (the lower of embedded, 2.29)',
    goal: '>= 10x faster',
    value: (r) => worstDeclared(r, 'buckets-all-keys', 'ours', 'raw', ROUTED_DATABASES),
    ...atLeast(10),
  },
  {
    id: 'declared-range',
    description: 'Declared table: range() vs a hand-written select: our time / theirs (the highest of the three)',
    goal: '<= 1.2x',
    value: (r) => worstDeclared(r, 'range', 'ours', 'hand-written', ALL_DATABASES, true),
    met: (v) => v <= 1.2,
    short: (v) => `${v.toFixed(2)}x the hand-written time: ${(((v - 1.2) / 1.2) * 100).toFixed(0)}% over 1.2x`,
  },
  {
    id: 'compression',
    description: "Compression of the seeded data (full-license server, the package's settings): space saved",
    goal: '>= 90%',
    value: (r) => metric(r, 'queries.native-tsl.compression')?.value ?? null,
    met: (v) => v >= 90,
    short: (v) => `${v.toFixed(1)}%: ${(90 - v).toFixed(1)} points short of 90%`,
  },
  {
    id: 'stream-rss',
    description: 'streamRecords over 2,000,000 rows: peak RSS growth (native, fresh process)',
    goal: '< 64 MB',
    value: (r) => metric(r, 'queries.native.stream.rss')?.value ?? null,
    met: (v) => v < 64,
    short: (v) => `${v.toFixed(1)} MB: ${(v - 64).toFixed(1)} MB over`,
  },
]

/** Every target with its measured value; `met` null when this run did not measure it. */
export function evaluateTargets(results: BenchResults): TargetResult[] {
  return SPECS.map((spec) => {
    const value = spec.value(results)
    if (value === null || !Number.isFinite(value)) {
      return { id: spec.id, description: spec.description, goal: spec.goal, value: null, met: null, note: 'not measured in this run' }
    }
    const met = spec.met(value)
    return { id: spec.id, description: spec.description, goal: spec.goal, value, met, note: met ? '' : spec.short(value) }
  })
}
