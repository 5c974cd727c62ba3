import { expect } from 'bun:test'
import { ValidationError } from '../../src/errors.ts'

/** Runs `fn`, expects a `ValidationError` with code VALIDATION_ERROR and this `details.field`; returns it. */
export function expectInvalid(fn: () => unknown, field: string): ValidationError {
  let caught: unknown
  try {
    fn()
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(ValidationError)
  const error = caught as ValidationError
  expect(error.code).toBe('VALIDATION_ERROR')
  expect(error.details.field).toBe(field)
  return error
}
