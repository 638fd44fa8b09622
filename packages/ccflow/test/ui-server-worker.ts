// `ccflow` from the sources, as its own process: the browser test runs `ccflow ui` with it, so the store is
// read by one process while the test's process writes it, and Ctrl-C (SIGINT) is a real signal.
import { run } from '../src/cli.ts';

await run();
