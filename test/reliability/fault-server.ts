/*
 * A native server of the fault suite's own, for the faults that restart or crash the server: other
 * test runs share the default native server, so it is never touched. Same scripts, another
 * directory (~/.cache/drizzle-timescale/fault-native, or $TSDB_FAULT_NATIVE_DIR) and a free port;
 * started by a test file's setup, stopped at its end. The first start installs it (about a minute,
 * about 700 MB); later ones take a few seconds.
 */

import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { createId } from '@paralleldrive/cuid2'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { migrate } from '../../src/migrate.ts'
import * as tables from '../../src/schema/index.ts'
import { closedPort } from '../client/closed-port.ts'
import { withDatabase } from '../support/targets.ts'

const SCRIPTS = join(import.meta.dir, '..', '..', 'scripts')

/** Why the fault server cannot run here, or `undefined` when it can. */
export function faultServerUnavailable(): string | undefined {
  if (!process.env.TIMESCALEDB_URL?.trim()) return 'TIMESCALEDB_URL is not set (native tests are off)'
  if (process.platform !== 'linux') return `the fault server needs Linux (chroot), this is ${process.platform}`
  if (process.getuid?.() !== 0) return 'the fault server needs root (debootstrap, mount, chroot)'
  return undefined
}

export interface FaultServer {
  /** URL of a fresh migrated database on the server. */
  url: string
  /** `pg_ctlcluster restart`: fast (sessions terminated, checkpoint) or crash (`-m immediate`, recovery at start). */
  restart(mode: 'fast' | 'crash'): Promise<void>
  /** SIGKILL of one backend: the postmaster resets every session and runs crash recovery. */
  killBackend(pid: number): Promise<void>
  /** Drops the database and stops the server (the install is kept for the next run). */
  stop(): Promise<void>
}

async function run(script: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<string> {
  const child = Bun.spawn(['bash', join(SCRIPTS, script), ...args], {
    env: { ...process.env, ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const timer = setTimeout(() => child.kill(), timeoutMs)
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  clearTimeout(timer)
  if (code !== 0) throw new Error(`${script} ${args.join(' ')} failed (exit ${code}):\n${stderr.split('\n').slice(-15).join('\n')}`)
  return stdout.trim()
}

/**
 * Two test runs on one machine must not restart the server under each other: the run holds
 * `DIR.suite-lock` (its pid) from start to stop, and a second run waits for it (at most 5 minutes).
 */
async function lockSuite(dir: string): Promise<() => void> {
  const path = `${dir}.suite-lock`
  const started = performance.now()
  for (;;) {
    try {
      const fd = openSync(path, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return () => rmSync(path, { force: true })
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error
    }
    const holder = Number(readFileSync(path, 'utf8').trim() || 0)
    if (!isAlive(holder)) {
      rmSync(path, { force: true })
      continue
    }
    if (performance.now() - started > 300_000)
      throw new Error(`another fault-suite run (pid ${holder}) still holds ${path} after 5 minutes`)
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Starts (installing on first use) the fault suite's own server, and creates a migrated database on it. */
export async function startFaultServer(): Promise<FaultServer> {
  const dir = process.env.TSDB_FAULT_NATIVE_DIR ?? join(process.env.HOME ?? '/root', '.cache', 'drizzle-timescale', 'fault-native')
  const unlock = await lockSuite(dir)
  try {
    return await startLocked(dir, unlock)
  } catch (error) {
    unlock()
    throw error
  }
}

async function startLocked(dir: string, unlock: () => void): Promise<FaultServer> {
  const env = { TSDB_NATIVE_DIR: dir, TSDB_NATIVE_PORT: String(closedPort()) }
  const started = performance.now()
  const base = (await run('native-db-start.sh', [], env, 600_000)).split('\n').at(-1) as string
  console.log(`[reliability] fault server ${new URL(base).host} from ${dir} ready in ${Math.round(performance.now() - started)} ms`)
  const name = `dts_fault_${createId().slice(0, 12)}`
  const admin = postgres(base, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database "${name}"`)
  await admin.end()
  const url = withDatabase(base, name)
  const pool = postgres(url, { max: 1, onnotice: () => {} })
  await migrate(drizzle(pool, { schema: tables }))
  await pool.end()
  return {
    url,
    async restart(mode) {
      await run('native-db-restart.sh', mode === 'crash' ? ['--crash'] : [], env, 90_000)
    },
    async killBackend(pid) {
      process.kill(pid, 'SIGKILL')
    },
    async stop() {
      try {
        const admin = postgres(base, { max: 1, onnotice: () => {}, connect_timeout: 10 })
        await admin.unsafe(`drop database if exists "${name}" with (force)`).finally(() => admin.end({ timeout: 1 }))
      } finally {
        await run('native-db-stop.sh', [], env, 120_000).finally(unlock)
      }
    },
  }
}
