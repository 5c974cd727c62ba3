/*
 * Runs the CLI against a target of its own: an embedded data directory in a fresh temporary
 * folder, or a fresh database on the native server (TIMESCALEDB_URL) passed as DATABASE_URL.
 *
 * `runCli` runs it in this process (src/cli/run-cli.ts, what src/cli/main.ts calls, with its output
 * captured): a subprocess costs 0.6 s of Bun start and module loading per run, and the CLI suites
 * run it about 80 times. What only a process shows stays a process: `runCliProcess` (and `runCli`
 * itself for a run in another directory, with an environment other than DATABASE_URL, or of
 * `generate`/`check`, which import schema modules that this process would have cached), and the
 * tests of signals, stdin and `serve` spawn their own.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { runCli as runCliInProcess } from '../../src/cli/run-cli.ts'
import { createEmbeddedDatabase } from '../../src/embedded/index.ts'
import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'
import { type TestTarget, targets } from '../support/targets.ts'

export const REPO = resolve(import.meta.dir, '../..')
export const MAIN = join(REPO, 'src/cli/main.ts')

/** What a CLI run printed and returned. */
export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/** The environment of a CLI run: the test's own, without any DATABASE_URL unless given. */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  const { DATABASE_URL, ...env } = process.env as Record<string, string>
  return { ...env, NO_COLOR: '1', ...extra }
}

/** Runs `drizzle-timescale <argv>` as a process (`bun src/cli/main.ts`) and waits for it. */
export async function runCliProcess(argv: string[], env: Record<string, string> = cliEnv(), cwd = REPO): Promise<CliRun> {
  const child = Bun.spawn(['bun', MAIN, ...argv], { cwd, env, stdout: 'pipe', stderr: 'pipe', stdin: 'ignore' })
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  return { code, stdout, stderr }
}

/** Variables the in-process CLI reads from its context; any other one differing from ours needs a process. */
const CONTEXT_ONLY = new Set(['DATABASE_URL', 'NO_COLOR'])

function needsProcess(argv: string[], env: Record<string, string>, cwd: string): boolean {
  if (resolve(cwd) !== process.cwd()) return true
  if (argv[0] === 'generate' || argv[0] === 'check' || argv[0] === 'serve' || argv.includes('-')) return true
  const ours = process.env as Record<string, string | undefined>
  const keys = new Set([...Object.keys(env), ...Object.keys(ours)])
  return [...keys].some((k) => !CONTEXT_ONLY.has(k) && env[k] !== ours[k])
}

/** Runs `drizzle-timescale <argv>` in this process when that is the same run (see above), else as a process. */
export async function runCli(argv: string[], env: Record<string, string> = cliEnv(), cwd = REPO): Promise<CliRun> {
  if (needsProcess(argv, env, cwd)) return runCliProcess(argv, env, cwd)
  let stdout = ''
  let stderr = ''
  const code = await runCliInProcess(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
    signal: new AbortController().signal,
  })
  return { code, stdout, stderr }
}

/** Where the CLI of one test works, and a way to read that database from the test. */
export interface CliTarget {
  /** `--data-dir <dir>` on the embedded target, nothing on the native one. */
  args: string[]
  env: Record<string, string>
  /** The embedded data directory (embedded target only). */
  dataDir?: string
  /** Runs `fn` on the target's database while no CLI holds it. */
  withDb<T>(fn: (db: AnyPgDatabase) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/**
 * An embedded data directory the CLI migrated, once per test process: a migrated target is a copy
 * of it (0.1 s) instead of a new database the CLI creates and migrates (3.3 s; cli-migrate-status
 * and cli-seed-query still prove that first use).
 */
let migratedTemplate: Promise<string> | undefined
function migratedDataDir(): Promise<string> {
  migratedTemplate ??= (async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'dts-cli-template-')), 'tsdb')
    const run = await runCli(['migrate', '--data-dir', dir])
    if (run.code !== 0) throw new Error(`the CLI could not migrate the template data directory:\n${run.stderr}`)
    process.once('exit', () => rmSync(join(dir, '..'), { recursive: true, force: true }))
    return dir
  })()
  return migratedTemplate
}

/** Puts a copy of the data directory the CLI migrated (see above) at `dataDir`: a migrated embedded database in 0.1 s. */
export async function copyMigratedDataDir(dataDir: string): Promise<void> {
  cpSync(await migratedDataDir(), dataDir, { recursive: true })
}

/**
 * A fresh CLI target on `target`: empty, or with `migrated` the package's migrations applied by the
 * CLI's `migrate` (on the embedded database a copy of a data directory it migrated).
 */
export async function openCliTarget(target: TestTarget, options: { migrated?: boolean } = {}): Promise<CliTarget> {
  if (target.kind === 'embedded') {
    const folder = mkdtempSync(join(tmpdir(), 'dts-cli-'))
    const dataDir = join(folder, 'tsdb')
    if (options.migrated) await copyMigratedDataDir(dataDir)
    return {
      args: ['--data-dir', dataDir],
      env: cliEnv(),
      dataDir,
      async withDb(fn) {
        const tsdb = await createEmbeddedDatabase({ dataDir, migrate: false })
        try {
          return await fn(tsdb.db)
        } finally {
          await tsdb.close()
        }
      },
      async close() {
        rmSync(folder, { recursive: true, force: true })
      },
    }
  }
  const t = await target.open({ migrate: false })
  const url = t.url as string
  const env = cliEnv({ DATABASE_URL: url })
  if (options.migrated) {
    const run = await runCli(['migrate'], env)
    if (run.code !== 0) throw new Error(`drizzle-timescale migrate failed:\n${run.stderr}`)
  }
  return {
    args: [],
    env,
    async withDb(fn) {
      const client = postgres(url, { max: 1, onnotice: () => {} })
      try {
        return await fn(drizzle(client))
      } finally {
        await client.end()
      }
    },
    close: () => t.close(),
  }
}

export { targets }
