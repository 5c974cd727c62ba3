import type { SortOrder, StreamOptions } from '../vocabulary/read-options.ts'
import { validateLimit, validateOptions, validateSortOrder } from './validate-options.ts'

/** Default rows per page of `streamRecords`. */
export const DEFAULT_PAGE_SIZE = 1000

const KEYS = ['pageSize', 'order'] as const satisfies readonly (keyof StreamOptions)[]

/** Checks the options of `streamRecords`: `pageSize` 1..MAX_LIMIT (default 1000), `order` (default `'asc'`). */
export function validateStreamOptions(input: unknown): { pageSize: number; order: SortOrder } {
  const options = validateOptions(input, KEYS)
  return {
    pageSize: validateLimit(options.pageSize, 'pageSize', DEFAULT_PAGE_SIZE),
    order: validateSortOrder(options.order, 'order', 'asc'),
  }
}
