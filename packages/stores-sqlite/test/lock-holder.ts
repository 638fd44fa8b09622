/** Run by `busy.test.ts`: holds the write lock of the file in argv[2] for argv[3] ms, as another process would. */
import { writeSync } from 'node:fs';
import Database from 'better-sqlite3';

const db = new Database(process.argv[2]!);
db.exec('BEGIN IMMEDIATE');
db.prepare('UPDATE sessions SET turn_count = turn_count + 1').run();
writeSync(1, 'locked\n');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.argv[3]));
db.exec('COMMIT');
db.close();
writeSync(1, 'released\n');
