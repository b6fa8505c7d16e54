import type { LaunchOptions } from '@exile/namespaces';
import { compile } from '@exile/seccomp';
import { seccompPolicy, NO_PID } from '@exile/vows';
import { handoverRules } from '../filters/listener-handover.js';

/**
 * The filter a learning run gets on top of its base policy: what `stdio` and `prot_exec` allow runs
 * untouched (every learned policy has `stdio`, and the dynamic loader's executable mappings are
 * always granted to a started program), everything else goes to the recorder, which reads it and
 * lets it run (user notification + continue). `exec` is recorded: the paths it runs are learned.
 * clone3 and openat2 get ENOSYS, as under enforcement, so libc falls back to clone and openat,
 * whose flags the recorder can see. The launcher's hand-over of the listener passes unrecorded.
 */
export function recordingFilter(stdio: LaunchOptions['stdio']): Uint8Array {
  const policy = seccompPolicy(['stdio', 'prot_exec'], { runtime: 'none', report: false, pid: NO_PID, rules: handoverRules(stdio) });
  return compile({ ...policy, defaultAction: 'notify' }).instructions;
}
