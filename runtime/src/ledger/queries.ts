// The ledger's reads, in one import.
export {
  getDecision,
  type TrainingExample,
  type TrainingSetQuery,
  trainingSet,
} from './queries/decisions.ts';
export { type EquityCurveQuery, equityCurve } from './queries/equity.ts';
export {
  type DailyPerformanceQuery,
  dailyPerformance,
  type StrategySummary,
  strategySummaries,
} from './queries/performance.ts';
