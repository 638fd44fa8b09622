import { Option } from 'commander';
import type { CliIO } from './output.ts';

/** `--db`, else `CCFLOW_SESSION_STORAGE_PATH`, else the stores' default. */
export function storePath(db: string | undefined, io: CliIO): { dbPath?: string } {
  const path = db ?? (io.env ?? process.env).CCFLOW_SESSION_STORAGE_PATH;
  return path === undefined || path === '' ? {} : { dbPath: path };
}

/** The `--db` option of every command that reads or writes the store. */
export function dbOption(): Option {
  return new Option(
    '--db <file>',
    'the SQLite store (default: $CCFLOW_SESSION_STORAGE_PATH, else ~/.ccflow/ccflow.db)',
  );
}
