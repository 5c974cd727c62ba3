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
