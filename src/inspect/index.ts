export {
  type ContinuousAggregateDescription,
  type DimensionDescription,
  describeTimescale,
  type HypertableDescription,
  type JobDescription,
  type TimescaleDescription,
} from './describe-timescale.ts'
export { formatDescription } from './format-description.ts'
