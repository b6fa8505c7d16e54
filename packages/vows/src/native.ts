import { loadAddon } from '@exile/common';

/** The SIGSYS reporter (native/handler.c). */
interface Native {
  /** Installs the SIGSYS handler once (sigaction). */
  installHandler(): void;
  /** Hands the handler a new report table (copied into static memory). */
  setTable(table: Uint8Array): void;
  /** Copies a table where a later setTable() of the same bytes finds it (the copy's cost paid ahead). */
  stageTable(table: Uint8Array): void;
  /** Also writes each kill-penalty line to `fd`, after `token` (at most 64 bytes). */
  setRecord(fd: number, token: Uint8Array, pid: number): void;
}

export const native = loadAddon<Native>(import.meta.url);
