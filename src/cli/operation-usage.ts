import { ValidationError } from '../errors.ts'
import { UsageError } from './usage-error.ts'

/**
 * Runs an operation for a command, turning its `ValidationError` (a bad bound, an unknown table or
 * job) into a usage error of the command (exit 2): the value came from the command line.
 */
export async function operationUsage<T>(command: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    if (error instanceof ValidationError) throw new UsageError(`${command}: ${error.message} (see drizzle-timescale ${command} --help)`)
    throw error
  }
}
