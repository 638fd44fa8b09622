export {
  type SessionStoreConformanceOptions,
  sessionStoreConformance,
  stateFixture,
} from './session-store-conformance.ts';
