export * from '@ccflow/core';
export * from '@ccflow/parser';
export * from '@ccflow/sessions';
