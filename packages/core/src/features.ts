import type { ActionName } from '@exile/seccomp';
import type { LandlockAvailability } from '@exile/landlock';
import type { IoUringRings } from '@exile/threads';

/** What this kernel and this process can do, as `probe()` sees it. */
export interface Features {
  /** Kernel architecture name (`uname -m`): x86_64, aarch64, ... */
  arch: string;
  /** Kernel release string (`uname -r`). */
  kernel: string;
  landlock: { abi: number; errata: number; status: LandlockAvailability };
  seccomp: {
    available: boolean;
    /** Current mode of this thread: 0 none, 1 strict, 2 filter. */
    mode: number;
    actions: ActionName[];
    tsync: boolean;
  };
  userNamespaces: { available: boolean; reason?: string };
  noNewPrivs: boolean;
  capabilities: { effective: string[] };
  threads: number;
  ioUring: IoUringRings;
}
