import { readFileSync } from 'node:fs'
import { cpus, loadavg, release, totalmem } from 'node:os'

function firstMatch(path: string, pattern: RegExp): string | undefined {
  try {
    return pattern.exec(readFileSync(path, 'utf8'))?.[1]?.trim()
  } catch {
    return undefined
  }
}

/** The machine a run measured: CPU, cores, memory, OS, Bun, load. */
export function machineInfo(): Record<string, string | number> {
  const cpu = firstMatch('/proc/cpuinfo', /model name\s*:\s*(.+)/) ?? cpus()[0]?.model ?? 'unknown'
  const os = firstMatch('/etc/os-release', /PRETTY_NAME="?([^"\n]+)"?/) ?? process.platform
  return {
    cpu,
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${os} (Linux ${release()})`,
    bun: Bun.version,
    loadAverageAtStart: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  }
}

/** The 1, 5 and 15 minute load averages now. */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
}
