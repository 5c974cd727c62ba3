import { RECORD_COLUMNS } from './csv-record.ts'

/** A record column (`entity_id`, `time`, `value`, ... `metadata`). */
export type RecordColumn = (typeof RECORD_COLUMNS)[number]

/** How the columns of a file that is not in the record's shape become records. */
export interface ImportMapping {
  /** Record column → the file's column (`time` ← `date`). Unmapped record columns read a file column of their own name, if any. */
  columns: Partial<Record<RecordColumn, string>>
  /** One entity id for every row (instead of a column). */
  entity?: string
  /** File columns gathered into `metadata` (as text): a list, or `*` for every column not mapped. */
  metadata?: readonly string[] | '*'
  /** The zone of times written without an offset (`2012-01-01`, `2012-01-01 10:30`). */
  timeZone?: string
  /** `iso` (default), or a number of seconds / milliseconds since 1970-01-01 UTC. */
  timeFormat: 'iso' | 'epoch-s' | 'epoch-ms'
}

/** The time formats of `--time-format`. */
export const TIME_FORMATS = ['iso', 'epoch-s', 'epoch-ms'] as const

/**
 * Reads `--map entity_id=location,time=date,value=temp_max` and the other mapping options;
 * `undefined` when none is given (the file is in the record's shape). Throws a message naming
 * the option when one is malformed.
 */
export function parseImportMapping(options: {
  map?: string
  entity?: string
  metadata?: string
  timeZone?: string
  timeFormat?: string
}): ImportMapping | undefined {
  if (Object.values(options).every((v) => v === undefined)) return undefined
  const columns: Partial<Record<RecordColumn, string>> = {}
  for (const pair of (options.map ?? '').split(',').filter((p) => p.trim() !== '')) {
    const [to, from, ...rest] = pair.split('=').map((s) => s.trim())
    if (!to || !from || rest.length > 0) throw new Error(`--map: '${pair}' is not <record column>=<file column>`)
    if (!(RECORD_COLUMNS as readonly string[]).includes(to))
      throw new Error(`--map: '${to}' is not a record column (${RECORD_COLUMNS.join(', ')})`)
    if (to === 'metadata') throw new Error('--map: metadata is built with --metadata <columns>, not mapped')
    if (columns[to as RecordColumn]) throw new Error(`--map: ${to} is mapped twice`)
    columns[to as RecordColumn] = from
  }
  if (options.entity !== undefined && columns.entity_id) throw new Error('--entity and --map entity_id=... name the entity twice: give one')
  const timeFormat = (options.timeFormat ?? 'iso') as ImportMapping['timeFormat']
  if (!(TIME_FORMATS as readonly string[]).includes(timeFormat)) throw new Error(`--time-format must be one of ${TIME_FORMATS.join(', ')}`)
  if (options.timeZone !== undefined) {
    if (timeFormat !== 'iso') throw new Error('--time-zone applies to ISO times without an offset, not to epoch times')
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: options.timeZone })
    } catch {
      throw new Error(`--time-zone: '${options.timeZone}' is not a time zone this system knows (an IANA name such as Europe/Berlin)`)
    }
  }
  const metadata =
    options.metadata === undefined
      ? undefined
      : options.metadata.trim() === '*'
        ? '*'
        : options.metadata
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean)
  return {
    columns,
    ...(options.entity === undefined ? {} : { entity: options.entity }),
    ...(metadata === undefined ? {} : { metadata }),
    ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
    timeFormat,
  }
}

/** A file's header resolved against a mapping: where each record column and metadata key comes from. */
export interface MappedHeader {
  sources: Partial<Record<RecordColumn, number>>
  metadata: { key: string; index: number }[]
}

/** Resolves a CSV header (or an NDJSON object's keys) against the mapping; throws naming a missing column. */
export function mapHeader(mapping: ImportMapping, header: readonly string[]): MappedHeader {
  const index = (name: string, what: string) => {
    const i = header.indexOf(name)
    if (i < 0) throw new Error(`${what}: the file has no column '${name}' (its columns: ${header.join(', ')})`)
    return i
  }
  const sources: Partial<Record<RecordColumn, number>> = {}
  for (const column of RECORD_COLUMNS) {
    if (column === 'metadata') continue
    const from = mapping.columns[column]
    if (from !== undefined) sources[column] = index(from, `--map ${column}=${from}`)
    else if (header.includes(column) && !(column === 'entity_id' && mapping.entity !== undefined)) sources[column] = header.indexOf(column)
  }
  if (mapping.metadata === undefined && header.includes('metadata')) sources.metadata = header.indexOf('metadata')
  for (const required of ['time', 'value'] as const) {
    if (sources[required] === undefined) throw new Error(`the file has no ${required} column: map one with --map ${required}=<column>`)
  }
  if (sources.entity_id === undefined && mapping.entity === undefined) {
    throw new Error('the file has no entity_id column: map one with --map entity_id=<column>, or give --entity <id>')
  }
  const mapped = new Set(Object.values(sources))
  const metadata =
    mapping.metadata === '*'
      ? header.map((key, i) => ({ key, index: i })).filter((m) => !mapped.has(m.index))
      : (mapping.metadata ?? []).map((key) => ({ key, index: index(key, `--metadata ${key}`) }))
  return { sources, metadata }
}

/**
 * One row of the file as a record's fields (text, as in a CSV in the record's shape): columns
 * mapped, the entity constant, metadata gathered as a JSON object of the columns' text, the time
 * converted to ISO 8601 UTC. The reason when the time cannot be read.
 */
export function mapRow(
  mapping: ImportMapping,
  header: MappedHeader,
  fields: readonly string[],
): { columns: string[]; fields: string[] } | { error: string } {
  const columns: string[] = []
  const out: string[] = []
  for (const [column, i] of Object.entries(header.sources) as [RecordColumn, number][]) {
    let text = fields[i] ?? ''
    if (column === 'time') {
      const time = convertTime(mapping, text)
      if (typeof time !== 'string') return time
      text = time
    }
    columns.push(column)
    out.push(text)
  }
  if (mapping.entity !== undefined) {
    columns.push('entity_id')
    out.push(mapping.entity)
  }
  if (header.metadata.length > 0) {
    const metadata: Record<string, string> = {}
    for (const { key, index } of header.metadata) metadata[key] = fields[index] ?? ''
    columns.push('metadata')
    out.push(JSON.stringify(metadata))
  }
  return { columns, fields: out }
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?)?$/
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)$/

/** A time of the file as ISO 8601 UTC text, by the mapping's format and zone. */
export function convertTime(mapping: ImportMapping, raw: string): string | { error: string } {
  const text = raw.trim()
  if (mapping.timeFormat !== 'iso') {
    if (!NUMBER.test(text))
      return { error: `time '${text}' is not a number of ${mapping.timeFormat === 'epoch-s' ? 'seconds' : 'milliseconds'}` }
    const micros = Math.round(Number(text) * (mapping.timeFormat === 'epoch-s' ? 1e6 : 1e3))
    return isoFromMicros(micros)
  }
  if (mapping.timeZone === undefined) return text
  const local = LOCAL.exec(text)
  if (!local) return text // has an offset (or is malformed: the validation says so)
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = ''] = local
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  const instant = instantOfWallClock(mapping.timeZone, wall)
  const micros = instant * 1000 + Math.round(Number(`0${fraction}`) * 1e6)
  return isoFromMicros(micros)
}

/**
 * The instant whose wall clock in `zone` reads `wall` (milliseconds, the wall time read as UTC).
 * Across a DST change a wall time is ambiguous (autumn) or missing (spring); PostgreSQL's
 * `timestamp AT TIME ZONE` then takes the zone's standard time, the smaller of the two offsets
 * (LA: 2012-03-11 02:30 is 10:30Z, 2012-11-04 01:30 is 09:30Z): so does this.
 */
export function instantOfWallClock(zone: string, wall: number): number {
  const day = 86_400_000
  const before = offsetMs(zone, wall - day)
  const after = offsetMs(zone, wall + day)
  const fits = (o: number) => offsetMs(zone, wall - o) === o
  if (before === after && fits(before)) return wall - before
  const valid = [before, after].filter(fits)
  return wall - (valid.length === 1 ? (valid[0] as number) : Math.min(before, after))
}

const formatters = new Map<string, Intl.DateTimeFormat>()

/** The zone's offset from UTC at `utcMs`, in milliseconds (Berlin in winter: +3,600,000). */
function offsetMs(zone: string, utcMs: number): number {
  let format = formatters.get(zone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(zone, format)
  }
  const parts: Record<string, number> = {}
  for (const p of format.formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value)
  const asUtc = Date.UTC(parts.year as number, (parts.month as number) - 1, parts.day, parts.hour, parts.minute, parts.second)
  return asUtc - Math.floor(utcMs / 1000) * 1000
}

function isoFromMicros(micros: number): string {
  const ms = Math.floor(micros / 1000)
  const rest = micros - ms * 1000
  const iso = new Date(ms).toISOString() // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 23)}${String(rest).padStart(3, '0')}Z`
}
