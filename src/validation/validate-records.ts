import { ErrorCodes, ValidationError } from '../errors.ts'
import type { RecordError } from '../vocabulary/write-options.ts'
import { invalid, kindOf } from './invalid.ts'
import { type ValidRecord, validateRecord } from './validate-record.ts'

/** Most per-record errors carried by the `ValidationError` of a rejected batch (`details.errors`). */
export const MAX_REPORTED_ERRORS = 100

/** The outcome of checking a batch: the valid records (with their input index) and why the others failed. */
export interface CheckedRecords {
  valid: Array<ValidRecord & { index: number }>
  errors: RecordError[]
}

/**
 * Checks every record of a batch, never stopping at the first bad one. Throws only when `records`
 * is not an array.
 */
export function checkRecords(records: unknown): CheckedRecords {
  if (!Array.isArray(records)) throw invalid('records', `must be an array of records, not ${kindOf(records)}`)
  const valid: CheckedRecords['valid'] = []
  const errors: RecordError[] = []
  for (let index = 0; index < records.length; index++) {
    try {
      const record = validateRecord(records[index]) as ValidRecord & { index: number }
      record.index = index
      valid.push(record)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      errors.push({ index, field: String(error.details.field), code: error.code, message: error.message })
    }
  }
  return { valid, errors }
}

/**
 * The `ValidationError` for a batch with invalid records: `details.index` and `details.field` of the
 * first one, `details.errors` (the first {@link MAX_REPORTED_ERRORS}) and `details.invalidCount`.
 */
export function batchValidationError(errors: readonly RecordError[], rowsName = 'records'): ValidationError {
  const [first] = errors
  const rowName = rowsName === 'records' ? 'record' : 'row'
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more invalid ${rowsName})` : ''
  const what = first?.field === rowName ? first.message.slice(rowName.length) : `.${first?.message}`
  return new ValidationError(`${rowsName}[${first?.index}]${what}${more}; nothing was written`, ErrorCodes.VALIDATION, {
    details: {
      index: first?.index,
      field: first?.field,
      errors: errors.slice(0, MAX_REPORTED_ERRORS),
      invalidCount: errors.length,
    },
  })
}
