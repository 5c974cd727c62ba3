/*
 * The shape of bench-results.json: every comparison with its entries (one per contender, same
 * data, same run), the ratios it reports, the correctness checks it ran, single measurements, and
 * the targets evaluated from them.
 */

/** `native`: the Apache-edition server; `native-tsl`: the full-license one (job scheduler running). */
export type Database = 'native' | 'native-tsl' | 'embedded'
export type Unit = 'rows/s' | 'ms'

export interface Entry {
  /** Contender key, e.g. `ours`, `raw-copy`. */
  name: string
  label: string
  /** rows/s (higher is better) or ms (median; lower is better). */
  value: number
  samples?: number[]
  note?: string
}

export interface Ratio {
  /** `of / to`, oriented so that more than 1 means `of` is better (faster). */
  of: string
  to: string
  value: number
}

export interface Check {
  name: string
  ok: boolean
  detail: string
}

export interface Comparison {
  id: string
  group: 'ingest' | 'queries'
  database: Database
  title: string
  unit: Unit
  params: Record<string, string | number>
  entries: Entry[]
  ratios: Ratio[]
  checks: Check[]
  note?: string
}

export interface Metric {
  id: string
  database: Database
  title: string
  value: number
  unit: string
  note?: string
}

export interface TargetResult {
  id: string
  description: string
  goal: string
  /** The measured ratio or value (null when not measured in this run). */
  value: number | null
  met: boolean | null
  note: string
}

export interface BenchResults {
  mode: 'full' | 'smoke'
  startedAt: string
  finishedAt: string
  durationSeconds: number
  machine: Record<string, string | number>
  databases: Partial<Record<Database, Record<string, string>>>
  options: Record<string, unknown>
  comparisons: Comparison[]
  metrics: Metric[]
  targets: TargetResult[]
  /** With `--keep-others`: the parts this run measured, and the run the other comparisons and metrics come from. */
  keptFrom?: { startedAt: string; measured: string[] }
}

/** rows/s of `rows` written in `ms`. */
export function rowsPerSecond(rows: number, ms: number): number {
  return ms > 0 ? (rows * 1000) / ms : 0
}

/** The ratio of two entries of a comparison, oriented so that > 1 means `of` is better. */
export function ratio(comparison: Pick<Comparison, 'unit' | 'entries'>, of: string, to: string): Ratio {
  const a = comparison.entries.find((e) => e.name === of)
  const b = comparison.entries.find((e) => e.name === to)
  if (!a || !b) throw new Error(`no entry ${of} or ${to}`)
  const value = comparison.unit === 'rows/s' ? a.value / b.value : b.value / a.value
  return { of, to, value }
}

/** Every failed check of a run. */
export function failedChecks(results: BenchResults): Array<Check & { comparison: string }> {
  return results.comparisons.flatMap((c) => c.checks.filter((k) => !k.ok).map((k) => ({ ...k, comparison: c.id })))
}
