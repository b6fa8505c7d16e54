import { ioUring } from '@exile/threads';
import type { Features } from '../features.js';
import { probe } from '../probe.js';

let kernel: Features | undefined;

/**
 * Features for planning `enable()`: the first call probes; later calls reuse what the kernel can
 * do — the probe itself (a child for user namespaces, capability reads, Landlock queries) may be
 * refused by the restrictions the first call applied — and re-read only what can change and
 * matters in-process: io_uring rings.
 */
export function enableFeatures(): Features {
  kernel = kernel === undefined ? probe({ userNamespaces: false }) : { ...kernel, ioUring: ioUring() };
  return kernel;
}
