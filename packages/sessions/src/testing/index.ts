export { mulberry32 } from './seeded-random.ts';
export {
  type SessionStoreConformanceOptions,
  sessionStoreConformance,
  stateFixture,
} from './session-store-conformance.ts';
