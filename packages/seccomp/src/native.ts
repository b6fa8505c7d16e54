import { loadAddon } from '@exile/common';

/** An open listener (native state). */
export type ListenerHandle = { readonly __brand: 'ListenerHandle' };

/** A notification as the native thread delivers it. */
export interface RawNotification { id: bigint; pid: number; arch: number; nr: number; args: bigint[]; ip: bigint }

interface Native {
  actionAvailable(value: number): boolean;
  /** Sets no_new_privs, then seccomp(SECCOMP_SET_MODE_FILTER, flags); returns 0 or a TSYNC-blocking tid. */
  install(instructions: Uint8Array, flags: number): number;
  /** socketpair + the listener thread: callback(notification), then callback(null, error?) once. Returns [handle, launcher's socket fd]. */
  listenerOpen(callback: (n: RawNotification | null, error?: Error) => void): [ListenerHandle, number];
  listenerReleaseSocket(handle: ListenerHandle): void;
  listenerDeny(handle: ListenerHandle, id: bigint, errno: number): boolean;
  listenerContinue(handle: ListenerHandle, id: bigint): boolean;
  listenerValid(handle: ListenerHandle, id: bigint): boolean;
  /** `signal` to process `tgid` through a pidfd, if notification `id` is still valid. */
  listenerSignal(handle: ListenerHandle, id: bigint, tgid: number, signal: number): boolean;
  listenerClose(handle: ListenerHandle): void;
  /** pread of /proc/PID/mem: up to `max` bytes, up to the first NUL when `nul`. */
  readMemory(pid: number, address: bigint, max: number, nul: boolean): Uint8Array | undefined;
}

export const native = loadAddon<Native>(import.meta.url);
