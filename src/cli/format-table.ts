/** A column of {@link formatTable}: its header, and whether values are right-aligned (numbers). */
export interface TableColumn {
  header: string
  align?: 'left' | 'right'
}

/**
 * Renders rows as a plain-text table: a header line, then one line per row, columns separated by
 * two spaces, padded to the widest cell. Trailing spaces are trimmed.
 */
export function formatTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[], indent = ''): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]) =>
    indent +
    columns
      .map((c, i) => {
        const cell = cells[i] ?? ''
        const width = widths[i] ?? 0
        return c.align === 'right' ? cell.padStart(width) : cell.padEnd(width)
      })
      .join('  ')
      .trimEnd()
  return [line(columns.map((c) => c.header)), ...rows.map(line)].join('\n')
}

/** Bytes the way `pg_size_pretty` prints them: `8192 bytes`, `264 kB`, `5592 kB`, `52 MB` (a unit up from 10 of the next). */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '-'
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (Math.abs(value) >= 10 * 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${value} bytes` : `${Math.round(value)} ${units[unit]}`
}

/** A duration in seconds, short: `45 s`, `12 min`, `2 h 9 min`, `3 d 4 h`. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '-'
  const s = Math.round(Math.abs(seconds))
  const sign = seconds < 0 ? '-' : ''
  if (s < 60) return `${sign}${s} s`
  if (s < 3600) return `${sign}${Math.floor(s / 60)} min`
  if (s < 86_400) return `${sign}${Math.floor(s / 3600)} h${s % 3600 >= 60 ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`
  return `${sign}${Math.floor(s / 86_400)} d${s % 86_400 >= 3600 ? ` ${Math.floor((s % 86_400) / 3600)} h` : ''}`
}

/** An ISO 8601 UTC timestamp shortened for a table: `2024-01-15 10:30:00Z`; `-` for none. */
export function formatTime(iso: string | null): string {
  return iso === null ? '-' : `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`
}
