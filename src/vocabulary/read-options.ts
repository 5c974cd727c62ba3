/** A half-open time range `[from, to)`: what `getAggregate`, `getTimeBuckets` and `streamRecords` read. */
export interface TimeRange {
  from: string | Date
  to: string | Date
}

/** A time range with how many records to read, and in which order: what `getRecords` reads. */
export interface RecordRange extends TimeRange {
  /** Most rows to return (default 1000, at most {@link MAX_LIMIT}). */
  limit?: number
  /** `'desc'` (newest first, the default) or `'asc'`. */
  order?: SortOrder
}

/** Sort order of results by time. */
export type SortOrder = 'asc' | 'desc'

/** Aggregate functions accepted by `getAggregate` and `getTimeBuckets`. */
export const AGGREGATE_FUNCTIONS = ['avg', 'min', 'max', 'sum', 'count', 'stddev', 'variance', 'first', 'last'] as const

/** One of {@link AGGREGATE_FUNCTIONS}. */
export type AggregateFunction = (typeof AGGREGATE_FUNCTIONS)[number]

/** The numeric columns of a record. */
export const VALUE_COLUMNS = ['value', 'value2', 'value3', 'value4'] as const

/** One of {@link VALUE_COLUMNS}. */
export type ValueColumn = (typeof VALUE_COLUMNS)[number]

/** Default `limit` of a range read (the design's). */
export const DEFAULT_LIMIT = 1000

/** Largest `limit` accepted by a range read; read more with `streamRecords`. */
export const MAX_LIMIT = 10_000

/** Options of `getTimeBuckets`. */
export interface TimeBucketOptions {
  /** Aggregate of each bucket (default `avg`). */
  aggregateFunction?: AggregateFunction
  /** Column aggregated (default `value`). */
  aggregateColumn?: ValueColumn
  /** IANA time zone for bucket boundaries (e.g. `Europe/Berlin`); UTC when omitted. */
  timeZone?: string
  /** Fill empty buckets: `'locf'` carries the last value forward, `'interpolate'` interpolates linearly, `'null'` leaves the value null. Needs the Timescale license. */
  gapFill?: 'locf' | 'interpolate' | 'null'
  /** `'asc'` (oldest first) or `'desc'` (newest first, the default). */
  order?: SortOrder
  /** Most buckets to return (default 1000, at most {@link MAX_LIMIT}). */
  limit?: number
}

/** One time bucket. `bucket` is its start as an ISO 8601 UTC string. */
export interface TimeBucketResult {
  bucket: string
  entity_id: string
  /** The aggregate, or `null` for an empty (gap-filled) bucket. */
  value: number | null
  /** Rows in the bucket. */
  count: number
}

/** Options of `streamRecords`. */
export interface StreamOptions {
  /** Rows fetched per round trip (default 1000, at most {@link MAX_LIMIT}). */
  pageSize?: number
  /** `'asc'` (oldest first, the default for streaming) or `'desc'`. */
  order?: SortOrder
}
