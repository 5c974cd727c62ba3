/*
 * A primary and a streaming replica of their own for the replica tests: native-db-start.sh and
 * native-db-replica.sh on a directory and ports that are not the shared native server's. The
 * install in that directory (about a minute and 700 MB the first time) is reused by later runs.
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
  /** Stops both servers. */
  stop(): Promise<void>
}

const root = join(import.meta.dir, '../..')
const dir = process.env.TSDB_REPLICA_TEST_DIR ?? join(homedir(), '.cache/drizzle-timescale/replica-pair')
/** Ports tried for the pair's primary, away from the shared server's 55432+. */
const FIRST_PORT = 55700

/** Why the pair cannot run here, or `undefined` when it can. */
export function replicaPairUnavailable(): string | undefined {
  if (process.env.TSDB_REPLICA_TESTS === '0') return 'TSDB_REPLICA_TESTS=0'
  if (process.platform !== 'linux') return `needs Linux (this is ${process.platform})`
  if (process.getuid?.() !== 0) return 'needs root (debootstrap, mount, chroot)'
  if (!process.env.TIMESCALEDB_URL?.trim() && process.env.TSDB_REPLICA_TESTS !== '1') {
    return `runs with the native tests (TIMESCALEDB_URL set) or with TSDB_REPLICA_TESTS=1: the first run installs PostgreSQL into ${dir}`
  }
  return undefined
}

async function script(name: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const child = Bun.spawn(['bash', join(root, 'scripts', name), ...args], {
    env: { ...process.env, TSDB_NATIVE_DIR: dir, ...env },
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

async function startPrimary(): Promise<string> {
  const running = await script('native-db-start.sh', ['--print-url']).catch(() => undefined)
  if (running) return script('native-db-start.sh', [], { TSDB_NATIVE_PORT: new URL(running).port })
  for (let port = FIRST_PORT; port < FIRST_PORT + 100; port += 2) {
    if ((await portFree(port)) && (await portFree(port + 1))) return script('native-db-start.sh', [], { TSDB_NATIVE_PORT: String(port) })
  }
  throw new Error(`no free port pair from ${FIRST_PORT}`)
}

/**
 * Holds `${dir}.tests.lock` until `release()` (or until this process exits: the holder reads our
 * stdin and ends at EOF), so that two test runs on one machine never stop each other's pair.
 */
async function lockPair(): Promise<() => Promise<void>> {
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
export async function startReplicaPair(): Promise<ReplicaPair> {
  await Bun.$`mkdir -p ${dirname(dir)}`.quiet()
  const unlock = await lockPair()
  let primaryUrl: string
  let replicaUrl: string
  const startReplica = () => script('native-db-replica.sh', ['start'])
  try {
    primaryUrl = await startPrimary()
    replicaUrl = await startReplica()
  } catch (error) {
    await unlock()
    throw error
  }
  return {
    primaryUrl,
    replicaUrl,
    stopReplica: async () => {
      await script('native-db-replica.sh', ['stop'])
    },
    startReplica,
    stop: async () => {
      try {
        await script('native-db-stop.sh', [])
      } finally {
        await unlock()
      }
    },
  }
}
