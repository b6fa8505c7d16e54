import type { Vow } from '@exile/vows';

/** One call the sandbox refused, as `spawn()` emits it (`'violation'`) and `exile run` prints it. */
export interface Violation {
  /** The process (thread group) that made the call. */
  pid: number;
  /** Its command name (`/proc/PID/comm`). */
  command: string;
  syscall: string;
  /** The key arguments as shown in the message (`['AF_INET', 'SOCK_STREAM']`, `['"/etc/passwd"']`). */
  args: string[];
  /** The fewest vows to add that allow exactly this call; undefined when it was not the vows that refused it, or no vow allows it. */
  vows: Vow[] | undefined;
  /** Index in the policy's `syscalls` of the rule that refused the call. */
  rule: number | undefined;
  /** What refused it: the vows, a `syscalls` rule, the network policy, or one of exile's fixed guards (terminal input, exec from memory). */
  by: 'vows' | 'syscalls' | 'net' | 'guard';
  /** What the sandbox did: killed the process, or failed the call with `errno`. */
  action: 'kill' | 'errno';
  /** The errno name of an `errno` action. */
  errno?: string;
  /** What to change to allow it: `add "inet" to allow`. */
  fix: string;
  /** The whole line: `exile: sh[1234]: socket(AF_INET, SOCK_STREAM) blocked by vows; add "inet" to allow`. */
  message: string;
}
