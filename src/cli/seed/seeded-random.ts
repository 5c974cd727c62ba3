/** A small deterministic pseudo-random generator: the same seed gives the same sequence. */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number
  /** Normally distributed with mean 0 and standard deviation `sd` (Box-Muller). */
  gaussian(sd?: number): number
  /** An integer in [min, max]. */
  int(min: number, max: number): number
  /** One of `items`. */
  pick<T>(items: readonly T[]): T
}

/**
 * Mulberry32 seeded with a string hashed by FNV-1a: fast, 32-bit state, good enough for demo data.
 * @see https://gist.github.com/tommyettinger/46a874533244883189143505d203312c
 */
export function seededRandom(seed: string): SeededRandom {
  let state = fnv1a(seed)
  const next = () => {
    state = (state + 0x6d2b79f5) | 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
  return {
    next,
    gaussian(sd = 1) {
      const u = 1 - next()
      const v = next()
      return sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    },
    int(min, max) {
      return min + Math.floor(next() * (max - min + 1))
    },
    pick(items) {
      return items[Math.floor(next() * items.length)] as (typeof items)[number]
    },
  }
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}
