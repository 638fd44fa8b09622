import type { StoreErrorChecks } from '@ccflow/testing/vitest';
import { StoreClosedError, StoreConflictError, StoreError, StoreInputError } from '../store-errors.ts';

/** The store error family as the record-store conformance kit tells errors apart; for every ccflow store suite. */
export const STORE_ERROR_CHECKS: StoreErrorChecks = {
  store: (e) => StoreError.isInstance(e),
  input: (e) => StoreInputError.isInstance(e),
  closed: (e) => StoreClosedError.isInstance(e),
  conflict: (e) => StoreConflictError.isInstance(e),
};
