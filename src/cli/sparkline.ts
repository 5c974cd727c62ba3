const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const

/**
 * A one-line chart of `values` with the eight block characters ▁▂▃▄▅▆▇█, lowest value to highest;
 * `null` (an empty bucket) is a space. With more values than `width`, neighbours are averaged so
 * that the line fits.
 *
 * @example
 * ```ts
 * sparkline([1, 5, 22, 13, 53]) // '▁▁▄▂█'
 * ```
 */
export function sparkline(values: readonly (number | null)[], width = Number.POSITIVE_INFINITY): string {
  const points = values.length > width ? downsample(values, Math.max(1, Math.floor(width))) : values
  const present = points.filter((v): v is number => v !== null && Number.isFinite(v))
  if (present.length === 0) return ' '.repeat(points.length)
  const min = Math.min(...present)
  const max = Math.max(...present)
  return points
    .map((v) => {
      if (v === null || !Number.isFinite(v)) return ' '
      if (max === min) return BARS[3]
      return BARS[Math.min(BARS.length - 1, Math.floor(((v - min) / (max - min)) * BARS.length))]
    })
    .join('')
}

function downsample(values: readonly (number | null)[], width: number): (number | null)[] {
  const out: (number | null)[] = []
  for (let i = 0; i < width; i++) {
    const slice = values.slice(Math.floor((i * values.length) / width), Math.floor(((i + 1) * values.length) / width))
    const present = slice.filter((v): v is number => v !== null)
    out.push(present.length === 0 ? null : present.reduce((a, b) => a + b, 0) / present.length)
  }
  return out
}
