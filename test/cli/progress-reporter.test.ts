import { describe, expect, test } from 'bun:test'
import { formatClock, ProgressReporter } from '../../src/cli/progress-reporter.ts'

/** A stream that records what is written, and a clock the test moves. */
function fakes(isTTY: boolean, columns?: number) {
  const writes: string[] = []
  let now = 0
  const stream = { write: (text: string) => writes.push(text), isTTY, ...(columns ? { columns } : {}) }
  return {
    writes,
    tick: (ms: number) => {
      now += ms
    },
    reporter: (label = 'import data.csv') => new ProgressReporter({ stream, isTTY, label, now: () => now }),
  }
}

describe('ProgressReporter on a TTY', () => {
  test('redraws one line in place: bar, percent, rows, rows/s, ETA', () => {
    const f = fakes(true)
    const p = f.reporter()
    f.tick(2000)
    p.update({ rows: 10_000, done: 250, total: 1000 })
    expect(f.writes).toEqual(['\r\x1b[2Kimport data.csv  [██████░░░░░░░░░░░░░░░░░░] 25%  10,000 rows  5,000 rows/s  ETA 0:06'])
  })

  test('renders at most every 100 ms, and finish() replaces the bar with a summary line', () => {
    const f = fakes(true)
    const p = f.reporter()
    f.tick(100)
    p.update({ rows: 1, done: 1, total: 10 })
    f.tick(50)
    p.update({ rows: 2, done: 2, total: 10 })
    expect(f.writes).toHaveLength(1)
    f.tick(50)
    p.update({ rows: 3, done: 3, total: 10, rejected: 1 })
    expect(f.writes[1]).toContain('1 rejected')
    f.tick(800)
    p.finish({ rows: 10, done: 10, total: 10, rejected: 2 })
    expect(f.writes[2]).toBe('\r\x1b[2Kimport data.csv: 10 rows, 2 rejected in 1.0 s (10 rows/s)\n')
    expect(f.writes.slice(0, 2).every((w) => w.startsWith('\r\x1b[2K') && !w.includes('\n'))).toBe(true)
  })

  test('log() clears the bar before its line, and the next update redraws the bar at once', () => {
    const f = fakes(true)
    const p = f.reporter()
    f.tick(1000)
    p.update({ rows: 1, done: 1, total: 4 })
    p.log('line 7: value is empty')
    f.tick(10)
    p.update({ rows: 2, done: 2, total: 4 })
    expect(f.writes[1]).toBe('\r\x1b[2Kline 7: value is empty\n')
    expect(f.writes[2]).toStartWith('\r\x1b[2Kimport data.csv  [')
    expect(f.writes).toHaveLength(3)
  })

  test('without a known total: no bar and no ETA', () => {
    const f = fakes(true)
    const p = f.reporter('import stdin')
    f.tick(1000)
    p.update({ rows: 300 })
    expect(f.writes).toEqual(['\r\x1b[2Kimport stdin  300 rows  300 rows/s'])
  })

  test('the line is cut to the terminal width', () => {
    const f = fakes(true, 30)
    const p = f.reporter()
    f.tick(1000)
    p.update({ rows: 5, done: 1, total: 2 })
    expect(f.writes[0]?.replace('\r\x1b[2K', '')).toHaveLength(29)
  })
})

describe('ProgressReporter when not a TTY', () => {
  test('prints a plain line every 2 seconds, never a carriage return or escape', () => {
    const f = fakes(false)
    const p = f.reporter()
    f.tick(500)
    p.update({ rows: 100, done: 10, total: 100 })
    expect(f.writes).toEqual([])
    f.tick(1500)
    p.update({ rows: 400, done: 40, total: 100 })
    f.tick(1000)
    p.update({ rows: 600, done: 60, total: 100 })
    f.tick(1000)
    p.update({ rows: 800, done: 80, total: 100, rejected: 3 })
    p.finish({ rows: 1000, done: 100, total: 100, rejected: 3 })
    expect(f.writes).toEqual([
      'import data.csv: 400 rows, 200 rows/s, 40%, ETA 0:03\n',
      'import data.csv: 800 rows, 200 rows/s, 3 rejected, 80%, ETA 0:01\n',
      'import data.csv: 1,000 rows, 3 rejected in 4.0 s (250 rows/s)\n',
    ])
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no carriage return or ANSI escape may be written.
    expect(f.writes.join('')).not.toMatch(/[\r\x1b]/)
  })

  test('log() writes a plain line', () => {
    const f = fakes(false)
    f.reporter().log('line 3: not valid JSON')
    expect(f.writes).toEqual(['line 3: not valid JSON\n'])
  })

  test('a job shorter than the interval prints only the final line', () => {
    const f = fakes(false)
    const p = f.reporter('seed')
    f.tick(300)
    p.update({ rows: 50, done: 50, total: 100 })
    f.tick(300)
    p.finish({ rows: 100, done: 100, total: 100 })
    expect(f.writes).toEqual(['seed: 100 rows in 0.6 s (167 rows/s)\n'])
  })
})

test('formatClock: m:ss below an hour, h:mm:ss above', () => {
  expect(formatClock(7)).toBe('0:07')
  expect(formatClock(750)).toBe('12:30')
  expect(formatClock(3723)).toBe('1:02:03')
})
