import type { BenchResults } from '../results.ts'

/*
 * Why a target is not met, for the targets a run missed: each explanation is computed from the
 * same run (the ceiling a ratio cannot pass, the rows an aggregate can save), not written ahead.
 */

const x2 = (n: number) => `${n.toFixed(2)}x`

export function shortfallNotes(r: BenchResults): string[] {
  const missed = new Set(r.targets.filter((t) => t.met === false).map((t) => t.id))
  const comparison = (id: string) => r.comparisons.find((c) => c.id === id)
  const ratio = (id: string, of: string, to: string) => comparison(id)?.ratios.find((x) => x.of === of && x.to === to)?.value
  const options = r.options as {
    entities?: number
    days?: number
    embeddedQueryRows?: number
    embeddedStreamRows?: number
    writers?: number[]
  }
  const notes: string[] = []

  if (missed.has('ingest-vs-copy')) {
    notes.push(
      `**Ingest vs raw COPY (${x2(ratio('ingest.main', 'ours', 'raw-copy') ?? 0)}).** Ours runs the same COPY when every key is new, plus what raw COPY skips: validating every record, collapsing duplicate keys, sorting by key. On two cores shared by client and server, that client work is not hidden behind the server's.`,
    )
  }
  if (missed.has('ingest-vs-naive')) {
    const ceiling = ratio('ingest.main', 'raw-copy', 'drizzle-naive')
    const best = (options.writers ?? [])
      .map((w) => ({ w, ours: comparison(`ingest.parallel-${w}`)?.entries.find((e) => e.name === 'ours')?.value }))
      .filter((x) => x.ours !== undefined)
    const naive = comparison('ingest.main')?.entries.find((e) => e.name === 'drizzle-naive')?.value
    const parallel =
      best.length > 0 && naive
        ? ` With \`parallel\` (each chunk its own transaction, so not the default), ${best.map((b) => `${b.w} writer${b.w > 1 ? 's' : ''}: ${x2((b.ours as number) / naive)}`).join(', ')} of the naive rate (the parallel comparisons' rows/s over the main comparison's naive rate).`
        : ''
    notes.push(
      `**Ingest vs Drizzle's naive insert (${x2(ratio('ingest.main', 'ours', 'drizzle-naive') ?? 0)}).** In this run raw COPY itself, the ceiling for one connection, is only ${ceiling ? x2(ceiling) : 'n/a'} the naive insert (../shared/DATABASES.md measured it once at 3.9x on this kind of machine): the server's work per row (the heap, four indexes including a GIN on metadata) bounds every path, and on one connection no path with upsert semantics gets past raw COPY by the factor 4x would need. Ours is at raw COPY speed; 4x would need parallel writers, which give up the single transaction.${parallel}`,
    )
  }
  if (missed.has('latest')) {
    notes.push(
      `**getLatestValues (${x2(ratio('queries.native.latest', 'ours', 'hand-written') ?? 0)}).** One index probe per entity against DISTINCT ON's full scan of the entities' rows; the gap grows with rows per entity.`,
    )
  }
  if (missed.has('buckets-one')) {
    const perHour =
      options.embeddedQueryRows && options.entities && options.days
        ? (options.embeddedQueryRows - (options.embeddedStreamRows ?? 0)) / (options.entities - 1) / (options.days * 24)
        : undefined
    notes.push(
      `**getTimeBuckets, one entity (${x2(ratio('queries.embedded.buckets-one', 'ours', 'hand-written') ?? 0)}).** One entity of the embedded data set has ${perHour ? perHour.toFixed(1) : 'few'} rows per hour: the raw query reads that many rows per bucket, the aggregate one row per bucket, so reading the aggregate can be at most about that much cheaper, and both queries pay the same fixed costs (planning over the chunks, the round trips; the routed query adds one catalog read for the watermark and pending changes). The aggregate pays off where buckets hold many rows: every entity, or dense series.`,
    )
  }
  if (missed.has('buckets-all')) {
    notes.push(
      `**getTimeBuckets, every entity (${x2(ratio('queries.embedded.buckets-all', 'ours', 'hand-written') ?? 0)}).** The raw query aggregates every row of the range; ours reads one row per hour and entity, bounded by the limit.`,
    )
  }
  if (missed.has('records')) {
    notes.push(
      `**getRecords.** Planning: the package's pools plan every statement for its own parameters (\`plan_cache_mode = force_custom_plan\`, so that a range's chunks are excluded while planning and a generic plan never opens every chunk of a hypertable of years: docs/performance.md); the hand-written prepared query runs PostgreSQL's cached generic plan from its sixth call. Measured apart on 2.29.2 with this data set (EXPLAIN ANALYZE, 1,000 rows of one entity, the range 30 days): our statement plans in 1.6 ms (the 30 chunks of the entity's partition the range keeps) and runs in 0.96 ms; the hand-written one plans nothing and runs in 1.28 ms (each day's four partitions merged). The client adds about 0.5 ms (times read as UTC JSON text and made canonical, rows decoded). Where a range keeps few chunks, a custom plan costs little and runs faster than the generic one: the declared table's \`range()\` below (187 chunks, the range in one or two), measured apart 0.77 ms on custom plans against 1.04 ms on the generic one`,
    )
  }
  if (missed.has('stream-rss')) {
    notes.push(`**streamRecords memory.** See the RSS before and at the peak in the single measurements.`)
  }
  return notes
}
