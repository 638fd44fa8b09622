/**
 * For authors of stores: the checks every ccflow store makes, so all refuse the same inputs with the same errors,
 * and the version rule of optimistic concurrency. The conformance suites in `@ccflow/sessions/testing` and
 * `@ccflow/tracing/testing` hold a store to the contracts.
 */
export {
  checkAge,
  checkCount,
  checkDate,
  checkId,
  checkVersion,
  nextVersion,
  storedCopy,
} from './store-checks.ts';
