/**
 * For authors of stores: the checks every ccflow store makes, so all refuse the same inputs with the same errors,
 * the version rule of optimistic concurrency, and the records of an in-memory store (`MemoryRecords`). The conformance suites in `@ccflow/sessions/testing` and
 * `@ccflow/tracing/testing` hold a store to the contracts.
 */

export { toJson, toJsonOrNull } from './json-text.ts';
export { MemoryRecords } from './memory-records.ts';
export {
  checkAge,
  checkCount,
  checkDate,
  checkId,
  checkVersion,
  nextVersion,
  storedCopy,
} from './store-checks.ts';
