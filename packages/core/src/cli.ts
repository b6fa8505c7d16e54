// The exile CLI's code: dist/cli.bundle.cjs, started by dist/cli.cjs (the bin; see tools/build-bundle.mjs).
import { main } from './cli/main.js';

void main(process.argv.slice(2), (t) => process.stdout.write(t), (t) => process.stderr.write(t)).then((status) => {
  process.exitCode = status;
});
