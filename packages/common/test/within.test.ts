import { describe, expect, it } from 'vitest';
import { within } from '../src/index.js';

describe('within()', () => {
  it('is the tree itself or beneath it, never a sibling sharing its prefix', () => {
    expect([within('/usr', '/usr'), within('/usr/lib/x', '/usr'), within('/usrx', '/usr'), within('/us', '/usr')]).toEqual([true, true, false, false]);
  });

  it('/ holds every path', () => {
    expect([within('/', '/'), within('/etc/passwd', '/')]).toEqual([true, true]);
  });
});
