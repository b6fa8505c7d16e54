import { executablePath } from '@exile/common';

/** Absolute path of the `exile-launch` executable shipped with this package. */
export const launcherPath: string = executablePath(import.meta.url, 'exile-launch');
