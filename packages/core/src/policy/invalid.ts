import type { InvalidOptions } from '@exile/common';

/** How `invalid()` (`@exile/common`) names a policy's bad part: `invalid policy: $.fs.read[0]: …`. */
export const IN_POLICY: InvalidOptions = { context: 'invalid policy' };
