/*
 * A primary and a streaming replica of their own for the replica and failover tests:
 * native-db-start.sh and native-db-replica.sh on a directory and ports that are not the shared
 * native server's. The install in that directory (copied from the shared install the first time:
 * about a minute, 700 MB for the Apache edition, 2.5 GB for the full-license one with its builds)
 * is reused by later runs.
 */
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'

export interface ReplicaPair {
  primaryUrl: string
  replicaUrl: string
  /** Stops the replica (as an outage would). */
  stopReplica(): Promise<void>
  /** Starts it again; resolves once it streams from the primary. */
  startReplica(): Promise<string>
  /** Stops the primary as a power cut would (`-m immediate`), leaving the replica running. */
  crashPrimary(): Promise<void>
  /** Stops both servers. */
  stop(): Promise<void>
}

/** Which pair: the Apache edition (the default) or the full-license build, in a directory of its own. */
export interface ReplicaPairOptions {
  edition?: 'apache' | 'tsl'
  /**
   * Runs on the primary before the replica is cloned from it (what `ALTER SYSTEM` sets there is
   * copied into the clone: `synchronous_standby_names` must not be). What it returns is added to
   * the environment of native-db-replica.sh (e.g. `TSDB_REPLICA_UPSTREAM_PORT`).
   */
  beforeClone?: (primaryUrl: string) => Promise<Record<string, string> | undefined>
}

const root = join(import.meta.dir, '../..')
const cache = join(homedir(), '.cache/drizzle-timescale')
const dirs = {
  apache: process.env.TSDB_REPLICA_TEST_DIR ?? join(cache, 'replica-pair'),
  tsl: process.env.TSDB_FAILOVER_TEST_DIR ?? join(cache, 'failover-tsl'),
}
/** Ports tried for the pair's primary, away from the shared servers' 55432+ and 55442+. */
const FIRST_PORT = { apache: 55700, tsl: 55800 }

/** Why the pair cannot run here, or `undefined` when it can. */
export function replicaPairUnavailable(): string | undefined {
  if (process.env.TSDB_REPLICA_TESTS === '0') return 'TSDB_REPLICA_TESTS=0'
  if (process.platform !== 'linux') return `needs Linux (this is ${process.platform})`
  if (process.getuid?.() !== 0) return 'needs root (debootstrap, mount, chroot)'
  if (!process.env.TIMESCALEDB_URL?.trim() && process.env.TSDB_REPLICA_TESTS !== '1') {
    return `runs with the native tests (TIMESCALEDB_URL set) or with TSDB_REPLICA_TESTS=1: the first run installs PostgreSQL into ${dirs.apache}`
  }
  return undefined
}

async function script(edition: 'apache' | 'tsl', name: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  // The full-license pair is copied from the shared full-license install (its builds included),
  // not built again.
  const template = edition === 'tsl' ? { TSDB_NATIVE_TEMPLATE: process.env.TSDB_NATIVE_TSL_DIR ?? join(cache, 'native-tsl') } : {}
  const child = Bun.spawn(['bash', join(root, 'scripts', name), ...args], {
    env: { ...process.env, TSDB_NATIVE_DIR: dirs[edition], TSDB_NATIVE_EDITION: edition, ...template, ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  if (code !== 0) throw new Error(`${name} ${args.join(' ')} failed (${code}):\n${err.split('\n').slice(-15).join('\n')}`)
  return out.trim().split('\n').pop() ?? ''
}

async function portFree(port: number): Promise<boolean> {
  try {
    const socket = await Bun.connect({ hostname: '127.0.0.1', port, socket: { data() {} } })
    socket.end()
    return false
  } catch {
    return true
  }
}

async function startPrimary(edition: 'apache' | 'tsl'): Promise<string> {
  const running = await script(edition, 'native-db-start.sh', ['--print-url']).catch(() => undefined)
  if (running) return script(edition, 'native-db-start.sh', [], { TSDB_NATIVE_PORT: new URL(running).port })
  const first = FIRST_PORT[edition]
  for (let port = first; port < first + 100; port += 2) {
    if (!((await portFree(port)) && (await portFree(port + 1)))) continue
    try {
      return await script(edition, 'native-db-start.sh', [], { TSDB_NATIVE_PORT: String(port) })
    } catch (error) {
      // These ports are in Linux's ephemeral range (32768-60999): a client connection of this
      // machine may hold one as its own address between the check above and the server's bind.
      if (!String(error).includes('Address already in use')) throw error
    }
  }
  throw new Error(`no free port pair from ${first}`)
}

/**
 * Holds `${dir}.tests.lock` until `release()` (or until this process exits: the holder reads our
 * stdin and ends at EOF), so that two test runs on one machine never stop each other's pair.
 */
async function lockPair(dir: string): Promise<() => Promise<void>> {
  const holder = Bun.spawn(['flock', '-w', '240', `${dir}.tests.lock`, 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'inherit',
  })
  const reader = holder.stdout.getReader()
  const { value } = await reader.read()
  if (!new TextDecoder().decode(value).includes('locked')) throw new Error(`another test run held ${dir}.tests.lock for 240 s`)
  reader.releaseLock()
  return async () => {
    holder.stdin.end()
    await holder.exited
  }
}

/** Starts (installing on first use) the pair's primary, then its replica. */
export async function startReplicaPair(options: ReplicaPairOptions = {}): Promise<ReplicaPair> {
  const edition = options.edition ?? 'apache'
  const dir = dirs[edition]
  await Bun.$`mkdir -p ${dirname(dir)}`.quiet()
  const unlock = await lockPair(dir)
  let primaryUrl: string
  let replicaUrl: string
  let replicaEnv: Record<string, string> = {}
  const startReplica = () => script(edition, 'native-db-replica.sh', ['start'], replicaEnv)
  try {
    primaryUrl = await startPrimary(edition)
    replicaEnv = (await options.beforeClone?.(primaryUrl)) ?? {}
    replicaUrl = await startReplica()
  } catch (error) {
    await unlock()
    throw error
  }
  return {
    primaryUrl,
    replicaUrl,
    stopReplica: async () => {
      await script(edition, 'native-db-replica.sh', ['stop'])
    },
    startReplica,
    crashPrimary: async () => {
      await script(edition, 'native-db-replica.sh', ['crash-primary'])
    },
    stop: async () => {
      try {
        await script(edition, 'native-db-stop.sh', [])
      } finally {
        await unlock()
      }
    },
  }
}
