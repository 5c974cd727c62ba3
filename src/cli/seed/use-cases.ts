import type { EntityInput } from '../../vocabulary/entity-types.ts'
import type { Metadata } from '../../vocabulary/record-types.ts'
import type { SeededRandom } from './seeded-random.ts'

/** The design's four use cases (ARCHITECTURE.md, "Use Case Adaptability"). */
export const USE_CASES = ['iot', 'servers', 'apps', 'industrial'] as const
/** One of {@link USE_CASES}. */
export type UseCase = (typeof USE_CASES)[number]

/** The values of one record, without entity and time. */
export interface Reading {
  value: number
  value2?: number | null
  value3?: number | null
  value4?: number | null
  metadata?: Metadata | null
}

/** A simulated entity: what to store in `entities`, and its readings over time (stateful: call in time order). */
export interface SimulatedEntity {
  entity: EntityInput & { entity_id: string }
  read(time: Date): Reading
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits
const clamp = (x: number, min: number, max: number) => Math.min(max, Math.max(min, x))
/** 0 at 03:00 UTC, 1 at 15:00 UTC: the day's warmth or load. */
const daily = (time: Date) => (1 - Math.cos((2 * Math.PI * (time.getUTCHours() + time.getUTCMinutes() / 60 - 3)) / 24)) / 2
/** Office hours load: high on weekdays 08:00-18:00 UTC, low at night and at weekends. */
const businessLoad = (time: Date) => {
  const weekend = time.getUTCDay() === 0 || time.getUTCDay() === 6
  return (weekend ? 0.35 : 1) * (0.15 + 0.85 * daily(time) ** 2)
}

/** Builds the `index`-th simulated entity (0-based) of a use case, its randomness from `random`. */
export function simulateEntity(useCase: UseCase, index: number, random: SeededRandom): SimulatedEntity {
  const n = String(index + 1).padStart(2, '0')
  switch (useCase) {
    case 'iot': {
      // Temperature (°C), humidity (%), pressure (hPa): a daily cycle plus noise; battery drains slowly.
      const room = random.pick(['server_room', 'cold_storage', 'loading_dock', 'office'])
      const base = room === 'cold_storage' ? 4 : room === 'server_room' ? 19 : 21
      let pressure = 1013 + random.gaussian(4)
      let battery = random.int(70, 100)
      const location = random.pick(['warehouse_a', 'warehouse_b', 'plant_north'])
      return {
        entity: {
          entity_id: `temp_sensor_${n}`,
          entity_type: 'sensor',
          name: `Sensor ${n}, ${location} ${room}`,
          metadata: { location, room, sensor_type: 'DHT22' },
        },
        read(time) {
          const warmth = daily(time)
          pressure = clamp(pressure + random.gaussian(0.05), 985, 1040)
          if (random.next() < 0.001) battery = Math.max(5, battery - 1)
          return {
            value: round(base + 4 * warmth + random.gaussian(0.3)),
            value2: round(clamp(62 - 10 * warmth + random.gaussian(1.5), 5, 100)),
            value3: round(pressure),
            metadata: { location, room, battery_level: battery },
          }
        },
      }
    }
    case 'servers': {
      // CPU (%), memory (GB), network (MB/s), disk utilization (0..1): business-hours load, spikes.
      const datacenter = random.pick(['us-east-1', 'eu-west-1', 'ap-south-1'])
      const size = random.pick([
        { type: 'c5.large', memory: 4 },
        { type: 'c5.xlarge', memory: 8 },
        { type: 'm5.2xlarge', memory: 32 },
      ])
      let spike = 0
      return {
        entity: {
          entity_id: `server_prod_${n}`,
          entity_type: 'server',
          name: `prod-web-${n}`,
          metadata: { hostname: `prod-web-${n}`, datacenter, instance_type: size.type, os_version: 'Ubuntu 22.04' },
        },
        read(time) {
          if (random.next() < 0.002) spike = random.int(5, 30)
          const load = clamp(businessLoad(time) + (spike-- > 0 ? 0.4 : 0), 0, 1)
          return {
            value: round(clamp(8 + 80 * load + random.gaussian(4), 0, 100), 1),
            value2: round(clamp(size.memory * (0.3 + 0.55 * load) + random.gaussian(0.1), 0.1, size.memory)),
            value3: round(Math.max(0, 20 + 900 * load + random.gaussian(40)), 1),
            value4: round(clamp(0.05 + 0.6 * load + random.gaussian(0.05), 0, 1), 3),
          }
        },
      }
    }
    case 'apps': {
      // Response time (ms, log-normal), success flag, request and response sizes (bytes).
      const endpoint = random.pick(['/api/v1/users', '/api/v1/orders', '/api/v1/search', '/api/v1/auth', '/api/v1/payments'])
      const median = random.int(40, 180)
      return {
        entity: { entity_id: `api_gateway_${n}`, entity_type: 'api', name: `API gateway ${n}`, metadata: { endpoint, service: 'gateway' } },
        read(time) {
          const load = businessLoad(time)
          const ok = random.next() > 0.005 + 0.03 * load
          const method = random.next() < 0.8 ? 'GET' : 'POST'
          const latency = median * (1 + 1.5 * load) * Math.exp(random.gaussian(0.35)) * (ok ? 1 : 3)
          return {
            value: round(latency, 1),
            value2: ok ? 1 : 0,
            value3: Math.round(Math.max(80, (method === 'POST' ? 900 : 300) + random.gaussian(60))),
            value4: Math.round(Math.max(40, ok ? 1024 + random.gaussian(300) : 180 + random.gaussian(20))),
            metadata: { endpoint, method, status_code: ok ? 200 : random.pick([500, 502, 503]), user_agent: 'monitoring-agent/1.0' },
          }
        },
      }
    }
    case 'industrial': {
      // RPM, efficiency (%), temperature (°C, lagging the load), vibration: two shifts a day, rare faults.
      const line = random.pick(['line_a', 'line_b', 'line_c'])
      const nominal = random.pick([1450, 2850, 3600])
      let temperature = 30
      let fault = 0
      return {
        entity: {
          entity_id: `machine_${String(index + 1).padStart(3, '0')}`,
          entity_type: 'machine',
          name: `Machine ${index + 1} on ${line}`,
          metadata: { production_line: line, nominal_rpm: nominal, maintenance_due: '2025-02-01' },
        },
        read(time) {
          const hour = time.getUTCHours()
          const shift = hour >= 6 && hour < 14 ? 'morning' : hour >= 14 && hour < 22 ? 'afternoon' : 'night'
          const running = shift !== 'night'
          if (running && random.next() < 0.0005) fault = random.int(10, 60)
          const faulty = fault-- > 0
          const rpm = running ? nominal * (faulty ? 0.7 : 1) + random.gaussian(nominal * 0.005) : 0
          temperature += ((running ? 70 : 25) + (faulty ? 15 : 0) - temperature) * 0.05 + random.gaussian(0.2)
          return {
            value: round(Math.max(0, rpm), 1),
            value2: running ? round(clamp((faulty ? 82 : 97.5) + random.gaussian(0.8), 0, 100)) : 0,
            value3: round(temperature),
            value4: round(Math.max(0, (running ? 40 : 2) * (faulty ? 2.5 : 1) + random.gaussian(running ? 3 : 0.5))),
            metadata: { production_line: line, shift, operator_id: running ? `op_${String(random.int(100, 140))}` : null },
          }
        },
      }
    }
  }
}
