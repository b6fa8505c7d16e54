import { defineProject } from 'vitest/config';

// Each test starts the CLI in a fresh process (as root and as nobody) on a busy machine.
export default defineProject({ test: { name: 'landlock-only', testTimeout: 60_000 } });
