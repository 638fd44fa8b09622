export { projectFixture, traceFixture } from './fixtures.ts';
export {
  type ProjectStoreConformanceOptions,
  type ProjectStores,
  projectStoreConformance,
} from './project-store-conformance.ts';
export { type TraceStoreConformanceOptions, traceStoreConformance } from './trace-store-conformance.ts';
