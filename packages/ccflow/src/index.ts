export * from '@ccflow/core';
export * from '@ccflow/parser';
export * from '@ccflow/reliability';
export * from '@ccflow/sessions';
export { createDefaultExecutor } from './defaults.ts';
