import type { InsertManyOptions } from '../types.ts'
import { validateBoolean, validateInteger, validateOptions } from './validate-options.ts'

/** Default rows per statement of `insertManyRecords`. */
export const DEFAULT_CHUNK_SIZE = 10_000
/** Largest `chunkSize`. */
export const MAX_CHUNK_SIZE = 100_000

const KEYS = ['skipInvalid', 'chunkSize'] as const satisfies readonly (keyof InsertManyOptions)[]

/** Checks the options of `insertManyRecords`: `skipInvalid` boolean (default false), `chunkSize` 1..100,000 (default 10,000). */
export function validateInsertManyOptions(input: unknown): { skipInvalid: boolean; chunkSize: number } {
  const options = validateOptions(input, KEYS)
  return {
    skipInvalid: validateBoolean(options.skipInvalid, 'skipInvalid') ?? false,
    chunkSize: validateInteger(options.chunkSize, 'chunkSize', 1, MAX_CHUNK_SIZE, DEFAULT_CHUNK_SIZE),
  }
}
