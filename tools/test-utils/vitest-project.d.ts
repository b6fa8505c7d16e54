import type { UserWorkspaceConfig } from 'vitest/config';

export declare function exileProject(name: string, test?: UserWorkspaceConfig['test']): UserWorkspaceConfig;
