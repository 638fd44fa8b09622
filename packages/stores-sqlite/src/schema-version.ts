/**
 * The schema version this package writes (`PRAGMA user_version`): the version of the last of `MIGRATIONS`
 * (a test holds them equal). Its own file, so the public types do not import better-sqlite3's.
 */
export const SCHEMA_VERSION = 5;
