import type { InsertManyOptions } from '../vocabulary/write-options.ts'
import { invalid } from './invalid.ts'
import { validateBoolean, validateInteger, validateOptions } from './validate-options.ts'

/** Default rows per statement of `insertManyRecords`. */
export const DEFAULT_CHUNK_SIZE = 10_000
/** Largest `chunkSize`. */
export const MAX_CHUNK_SIZE = 100_000

/** Most connections `insertManyRecords` writes on at once. */
export const MAX_PARALLEL = 16

const KEYS = [
  'skipInvalid',
  'chunkSize',
  'method',
  'parallel',
  'atomic',
  'directCompress',
] as const satisfies readonly (keyof InsertManyOptions)[]
const METHODS = ['auto', 'copy', 'unnest'] as const

/** Options of `insertManyRecords`, checked and with their defaults. */
export interface ResolvedInsertManyOptions {
  skipInvalid: boolean
  chunkSize: number
  method: (typeof METHODS)[number]
  parallel: number
  atomic: boolean
  directCompress: boolean
}

/**
 * Checks the options of `insertManyRecords`: `skipInvalid` boolean (default false), `chunkSize`
 * 1..100,000 (default 10,000), `method` `'auto' | 'copy' | 'unnest'` (default `'auto'`),
 * `parallel` 1..16 (default 1), `atomic` boolean (default false; not with `parallel` > 1),
 * `directCompress` boolean (default false; only with `method` `'auto'`).
 */
export function validateInsertManyOptions(input: unknown): ResolvedInsertManyOptions {
  const options = validateOptions(input, KEYS)
  const method = options.method === undefined ? 'auto' : options.method
  if (!METHODS.includes(method as never)) throw invalid('method', `must be one of ${METHODS.join(', ')}`)
  const parallel = validateInteger(options.parallel, 'parallel', 1, MAX_PARALLEL, 1)
  const atomic = validateBoolean(options.atomic, 'atomic') ?? false
  if (atomic && parallel > 1) throw invalid('atomic', 'cannot be true with parallel > 1 (each connection commits its own transaction)')
  const directCompress = validateBoolean(options.directCompress, 'directCompress') ?? false
  if (directCompress && method !== 'auto') throw invalid('directCompress', `needs a COPY into the table: not with method '${method}'`)
  return {
    directCompress,
    skipInvalid: validateBoolean(options.skipInvalid, 'skipInvalid') ?? false,
    chunkSize: validateInteger(options.chunkSize, 'chunkSize', 1, MAX_CHUNK_SIZE, DEFAULT_CHUNK_SIZE),
    method: method as ResolvedInsertManyOptions['method'],
    parallel,
    atomic,
  }
}
