export * from '@ccflow/core';
export * from '@ccflow/parser';
export * from '@ccflow/pricing';
export * from '@ccflow/reliability';
export * from '@ccflow/sessions';
export * from '@ccflow/stores-sqlite';
export * from '@ccflow/tracing';
export { createDefaultExecutor, installDefaults } from './defaults.ts';
export type { ErrorCode } from './error-code.ts';
