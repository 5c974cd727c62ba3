import { describe, expect, test } from 'bun:test'
import { formatBytes, formatDuration, formatTable } from '../../src/cli/format-table.ts'
import { seededRandom } from '../../src/cli/seed/seeded-random.ts'
import { sparkline } from '../../src/cli/sparkline.ts'

describe('sparkline', () => {
  test('maps lowest to ▁ and highest to █, an empty bucket to a space', () => {
    expect(sparkline([1, 5, 22, 13, 53])).toBe('▁▁▄▂█')
    expect(sparkline([0, null, 7])).toBe('▁ █')
    expect(sparkline([3, 3, 3])).toBe('▄▄▄')
    expect(sparkline([])).toBe('')
  })
  test('averages neighbours down to the width', () => {
    const line = sparkline(
      Array.from({ length: 1000 }, (_, i) => i),
      50,
    )
    expect(line).toHaveLength(50)
    expect(line[0]).toBe('▁')
    expect(line.at(-1)).toBe('█')
  })
})

describe('table and units', () => {
  test('columns padded to the widest cell, numbers right-aligned', () => {
    expect(
      formatTable(
        [{ header: 'name' }, { header: 'n', align: 'right' }],
        [
          ['a', '1'],
          ['bbb', '22'],
        ],
      ),
    ).toBe('name   n\na      1\nbbb   22')
  })
  test('bytes like pg_size_pretty, durations short', () => {
    expect(formatBytes(8192)).toBe('8192 bytes')
    expect(formatBytes(270_336)).toBe('264 kB')
    expect(formatBytes(5_726_208)).toBe('5592 kB')
    expect(formatBytes(54_525_952)).toBe('52 MB')
    expect(formatDuration(45)).toBe('45 s')
    expect(formatDuration(7740)).toBe('2 h 9 min')
    expect(formatDuration(273_600)).toBe('3 d 4 h')
  })
})

test('the seeded generator repeats its sequence for a seed and differs across seeds', () => {
  const a = seededRandom('7:iot:0')
  const b = seededRandom('7:iot:0')
  const c = seededRandom('8:iot:0')
  const take = (r: ReturnType<typeof seededRandom>) => Array.from({ length: 5 }, () => r.next())
  const first = take(a)
  expect(take(b)).toEqual(first)
  expect(take(c)).not.toEqual(first)
  expect(first.every((x) => x >= 0 && x < 1)).toBe(true)
})
