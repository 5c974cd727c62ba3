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
      `**getRecords.** Planning: the package's pools plan every statement for its own parameters (\`plan_cache_mode = force_custom_plan\`, so that a range's chunks are excluded while planning and a generic plan never opens every chunk of a hypertable of years: docs/performance.md); the hand-written prepared query runs PostgreSQL's cached generic plan from its sixth call. Measured apart on 2.29.2 with this data set (EXPLAIN ANALYZE, 1,000 rows of one entity, the range 30 days): our statement plans in 1.6 ms (the 30 chunks of the entity's partition the range keeps) and runs in 0.96 ms; the hand-written one plans nothing and runs in 1.28 ms (each day's four partitions merged). The client adds about 0.5 ms (times read as UTC JSON text and made canonical, rows decoded). Where a range keeps few chunks, a custom plan costs little and runs faster than the generic one: the declared table's \`range()\` below (187 chunks, the range in one or two), measured apart 0.77 ms on custom plans against 1.04 ms on the generic one.`,
    )
  }
  const perDatabase = (name: string, of: string, to: string, time = false, routed = false) =>
    (routed ? (['embedded', 'native-tsl'] as const) : (['embedded', 'native', 'native-tsl'] as const))
      .map((d) => ({ d, v: ratio(`declared.${d}.${name}`, of, to) }))
      .filter((x): x is { d: 'embedded' | 'native' | 'native-tsl'; v: number } => x.v !== undefined)
      .map(({ d, v }) => `${{ embedded: 'embedded', native: '2.19', 'native-tsl': '2.29' }[d]} ${x2(time ? 1 / v : v)}`)
      .join(', ')
  if (missed.has('declared-ingest-copy')) {
    notes.push(
      `**Declared table: insertMany vs raw COPY (${perDatabase('ingest', 'ours', 'raw-copy')}).** Ours checks and encodes every row, collapses duplicate keys, sorts by key and writes the COPY text: measured apart on the embedded database, 50,000 rows cost about 13 ms to check, 8 ms to sort and 6 ms to write as text, against the raw contender's 7 ms of text; the sort gives some of it back on the server (the COPY in key order took 219 ms against 238 ms in the order given). On the embedded database client and server share one thread, so none of it overlaps.`,
    )
  }
  if (missed.has('declared-ingest-drizzle')) {
    notes.push(
      `**Declared table: insertMany vs Drizzle's insert (${perDatabase('ingest', 'ours', 'drizzle-insert')}).** See the ingest section.`,
    )
  }
  if (missed.has('declared-latest')) {
    notes.push(
      `**Declared table: latest() of every key (${perDatabase('latest-all', 'ours', 'distinct-on')}).** See its section per database.`,
    )
  }
  if (missed.has('declared-buckets-dense')) {
    notes.push(
      `**Declared table: routed buckets of one dense key (${perDatabase('buckets-dense-key', 'ours', 'raw', false, true)}).** The routed read takes a few milliseconds against the raw query's tens, so its fixed costs decide the ratio. Measured apart with EXPLAIN ANALYZE: the embedded database plans the statement in 2.7-3.4 ms of its 8-10 ms (2.29.2 native: 0.7-1 ms of about 3 ms), and reads each of the materialization's 18 chunks and aggregates it apart (TimescaleDB's chunk-wise aggregation: 9.1 ms a call on the embedded database with it, 8.0 ms without, no difference on 2.29.2). The package's pools plan every statement for its parameters (see getRecords).`,
    )
  }
  if (missed.has('declared-buckets-all')) {
    notes.push(
      `**Declared table: routed buckets of every key (${perDatabase('buckets-all-keys', 'ours', 'raw', false, true)}).** See its section per database.`,
    )
  }
  if (missed.has('declared-range')) {
    notes.push(
      `**Declared table: range() (${perDatabase('range', 'ours', 'hand-written', true)} the hand-written time).** Both take one or two milliseconds: a few hundred microseconds of planning (ours is planned per call, the hand-written one runs a cached generic plan) and of decoding (times made canonical) decide it, and this machine's noise moves such ratios by a fifth between runs.`,
    )
  }
  if (missed.has('stream-rss')) {
    notes.push(`**streamRecords memory.** See the RSS before and at the peak in the single measurements.`)
  }
  return notes
}
