import { resolve } from 'node:path'

/** Runs `bun <script> ...args` (a path relative to bench/) in a fresh process and parses its last stdout line as JSON. */
export async function runChild<T>(script: string, args: readonly string[] = []): Promise<T> {
  const child = Bun.spawn([process.execPath, resolve(import.meta.dir, '..', script), ...args], { stdout: 'pipe', stderr: 'inherit' })
  const [stdout, code] = await Promise.all([new Response(child.stdout).text(), child.exited])
  if (code !== 0) throw new Error(`${script} exited with ${code}`)
  const last = stdout.trim().split('\n').at(-1) ?? ''
  return JSON.parse(last) as T
}
