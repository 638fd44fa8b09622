/** The session, trace and project stores on PostgreSQL (`@ccflow/stores-postgres`), for many processes and machines. */
export * from '@ccflow/stores-postgres';
