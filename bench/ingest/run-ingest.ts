import type { TimeSeriesRecord } from '../../src/types.ts'
import { type Check, type Comparison, type Database, ratio, rowsPerSecond } from '../results.ts'
import type { Digest } from '../support/table-digest.ts'
import { log, rotated, timed } from '../timing.ts'

/** One way of writing rows, into a table of its own. */
export interface IngestContender {
  name: string
  label: string
  /** Writes one batch (this is what is timed). */
  write(batch: readonly TimeSeriesRecord[]): Promise<void>
  /** The table's rows afterwards. */
  digest(): Promise<Digest>
  /** Whether the final table must equal the other contenders' (false: e.g. it cannot upsert). */
  comparable?: boolean
  note?: string
}

/** A comparison to run: the same batches for every contender, in the same run. */
export interface IngestSpec {
  id: string
  title: string
  database: Database
  params: Record<string, string | number>
  contenders: IngestContender[]
  batches: readonly (readonly TimeSeriesRecord[])[]
  /** Rows the table must hold afterwards. */
  expectedRows: number
  /** Ratios to report, `[of, to]`. */
  ratios: Array<[string, string]>
  note?: string
}

/**
 * Writes every batch with every contender, rotating which contender goes first at each batch so
 * that drift on a shared machine (other load, checkpoints, the tables growing) is spread evenly;
 * sums each contender's time; then checks that every comparable contender's table holds the same
 * rows (count and digest).
 */
export async function runIngest(spec: IngestSpec): Promise<Comparison> {
  const total = new Map(spec.contenders.map((c) => [c.name, 0]))
  const rows = spec.batches.reduce((n, b) => n + b.length, 0)
  log(`${spec.id}: ${rows} rows in ${spec.batches.length} batches, ${spec.contenders.map((c) => c.name).join(' / ')}`)
  for (const [i, batch] of spec.batches.entries()) {
    for (const contender of rotated(spec.contenders, i)) {
      const ms = await timed(() => contender.write(batch))
      total.set(contender.name, (total.get(contender.name) ?? 0) + ms)
    }
  }
  const checks: Check[] = []
  let reference: Digest | undefined
  for (const contender of spec.contenders) {
    const digest = await contender.digest()
    checks.push({
      name: `${contender.name}: ${spec.expectedRows} rows`,
      ok: digest.rows === spec.expectedRows,
      detail: `${digest.rows} rows`,
    })
    if (contender.comparable === false) continue
    if (!reference) {
      reference = digest
      continue
    }
    checks.push({
      name: `${contender.name}: same rows as ${spec.contenders[0]?.name}`,
      ok: digest.digest === reference.digest && digest.rows === reference.rows,
      detail: `digest ${digest.digest}`,
    })
  }
  const comparison: Comparison = {
    id: spec.id,
    group: 'ingest',
    database: spec.database,
    title: spec.title,
    unit: 'rows/s',
    params: { rows, batches: spec.batches.length, ...spec.params },
    entries: spec.contenders.map((c) => ({
      name: c.name,
      label: c.label,
      value: rowsPerSecond(rows, total.get(c.name) ?? 0),
      ...(c.note ? { note: c.note } : {}),
    })),
    ratios: [],
    checks,
    ...(spec.note ? { note: spec.note } : {}),
  }
  comparison.ratios = spec.ratios.map(([of, to]) => ratio(comparison, of, to))
  log(`${spec.id}: ${comparison.entries.map((e) => `${e.name} ${Math.round(e.value)} rows/s`).join(', ')}`)
  return comparison
}
