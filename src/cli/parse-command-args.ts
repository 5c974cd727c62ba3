import { type ParseArgsConfig, parseArgs } from 'node:util'
import { UsageError } from './usage-error.ts'

type Options = NonNullable<ParseArgsConfig['options']>

/** Options every command takes. */
export const COMMON_OPTIONS = {
  'data-dir': { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options

/** The parsed command line of one command. */
export interface CommandArgs {
  values: Record<string, string | boolean | undefined>
  positionals: string[]
}

/**
 * Parses a command's arguments strictly (unknown options and stray arguments are usage errors),
 * with the {@link COMMON_OPTIONS} added. A later repetition of an option wins.
 */
export function parseCommandArgs(command: string, argv: string[], options: Options, maxPositionals = 0): CommandArgs {
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true })
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException
    const option = /'(-[^' ]+)/.exec(message)?.[1]
    const what = code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option ? `unknown option ${option}` : message
    throw new UsageError(`${command}: ${what} (see drizzle-timescale ${command} --help)`)
  }
  const values = parsed.values as CommandArgs['values']
  if (!values.help && parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals[maxPositionals]
    throw new UsageError(`${command}: unexpected argument '${extra}' (see drizzle-timescale ${command} --help)`)
  }
  return { values, positionals: parsed.positionals }
}

/** A string option, or `fallback` when absent. */
export function stringOption(args: CommandArgs, name: string): string | undefined
export function stringOption(args: CommandArgs, name: string, fallback: string): string
export function stringOption(args: CommandArgs, name: string, fallback?: string): string | undefined {
  const value = args.values[name]
  return typeof value === 'string' ? value : fallback
}

/** An integer option within `[min, max]`, or `fallback` when absent. */
export function integerOption(args: CommandArgs, name: string, fallback: number, min: number, max: number): number {
  const text = stringOption(args, name)
  if (text === undefined) return fallback
  const value = /^[+-]?\d+$/.test(text.trim()) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, not '${text}'`)
  }
  return value
}

/** An option whose value must be one of `choices`, or `fallback` when absent. */
export function choiceOption<T extends string>(args: CommandArgs, name: string, choices: readonly T[], fallback: T): T {
  const text = stringOption(args, name)
  if (text === undefined) return fallback
  if (!(choices as readonly string[]).includes(text)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, not '${text}'`)
  }
  return text as T
}
