#!/usr/bin/env bun
/*
 * The main job (`bun run main`): the package working end to end before anything is read. It is
 * the CLI's own commands in a row, never a second implementation of them:
 *   migrate   the package's migrations, then what exists
 *   seed      a short demo: three IoT sensors, the last 24 hours, a record every 5 minutes
 *   query     one sensor's hourly averages as a table and a sparkline
 * On DATABASE_URL's server when it is set; otherwise on an embedded TimescaleDB in a fresh
 * temporary directory (removed at the end), or the one in --data-dir DIR (kept).
 * `--no-seed` only migrates and prints what exists.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../src/cli/run-cli.ts'

const argv = process.argv.slice(2)
const seed = !argv.includes('--no-seed')
const given = argv.indexOf('--data-dir') >= 0 ? argv[argv.indexOf('--data-dir') + 1] : undefined
const server = Boolean(process.env.DATABASE_URL)
const scratch = server || given ? undefined : mkdtempSync(join(tmpdir(), 'drizzle-timescale-main-'))
const dataDir = server ? [] : ['--data-dir', (given ?? join(scratch as string, 'tsdb')) as string]
const controller = new AbortController()
process.on('SIGINT', () => controller.abort('SIGINT'))
const context = { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal }

async function step(title: string, args: string[]): Promise<void> {
  console.log(`\n$ drizzle-timescale ${args.join(' ')}    # ${title}`)
  const code = await runCli([...args, ...dataDir], context)
  if (code !== 0) throw new Error(`drizzle-timescale ${args[0]} exited ${code}`)
}

const started = performance.now()
try {
  await step('the package migrations, then what exists', ['migrate'])
  if (seed) {
    // The end of the demo: the last full hour, so the day has whole buckets.
    const end = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 1).toISOString()
    const from = new Date(Date.parse(end) + 1 - 24 * 3_600_000).toISOString()
    await step('a day of demo data', [
      'seed',
      '--use-case',
      'iot',
      '--entities',
      '3',
      '--days',
      '1',
      '--interval',
      '5 minutes',
      '--end',
      end,
    ])
    await step("one sensor's hourly temperature", [
      'query',
      'temp_sensor_01',
      '--interval',
      '1 hour',
      '--from',
      from,
      '--to',
      new Date(Date.parse(end) + 1).toISOString(),
    ])
  }
  console.log(
    `\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s${scratch ? ' (an embedded database in a temporary directory, removed now)' : ''}`,
  )
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exitCode = 1
} finally {
  if (scratch) rmSync(scratch, { recursive: true, force: true })
}
