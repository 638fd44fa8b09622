import { CCFlowError } from '@ccflow/core';

/** A project the project store does not have, or a trace that belongs to none where one is needed. */
export class ProjectNotFoundError extends CCFlowError {
  static override readonly code = 'PROJECT_NOT_FOUND';
  declare readonly code: 'PROJECT_NOT_FOUND';
  /** Undefined when a trace belongs to no project. */
  readonly projectId: string | undefined;
  constructor(init: { projectId: string | undefined; message?: string }) {
    super({ message: init.message ?? `project not found: ${init.projectId}` });
    this.projectId = init.projectId;
  }
}
