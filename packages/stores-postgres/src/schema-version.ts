/** The schema version this package writes (`<schema>.ccflow_schema_version`): the last of `MIGRATIONS`'s. */
export const SCHEMA_VERSION = 1;
