export * from '@ccflow/core';
export * from '@ccflow/parser';
