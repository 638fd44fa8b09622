export {
  type SessionStoreConformanceOptions,
  sessionStoreConformance,
  stateFixture,
} from './session-store-conformance.ts';
export { STORE_ERROR_CHECKS } from './store-error-checks.ts';
