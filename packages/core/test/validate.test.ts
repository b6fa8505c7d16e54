import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { thrown } from '@exile/test-utils';
import { ErrorCodes, loadPolicy, type Policy } from '../src/index.js';
import { validatePolicy } from '../src/policy/validate.js';

describe('validatePolicy', () => {
  it('normalizes a full policy', () => {
    const n = validatePolicy({
      fs: { read: ['/usr', '/usr', 'rel'], write: ['/tmp/out'] },
      net: { connect: [443, 80, 443] },
      vows: 'STDIO  rpath\tinet',
      capabilities: { keep: ['net_bind_service', 'CAP_CHOWN'] },
      namespaces: 'all',
      penalty: 'errno',
    }, '/base');
    expect(n).toEqual({
      fs: { read: ['/usr', '/base/rel'], write: ['/tmp/out'], exec: [], devices: true, allowWriteExec: false, makeDevices: [], sockets: [] },
      profiles: [],
      net: { connect: [80, 443], bind: [] },
      vows: ['stdio', 'rpath', 'inet'],
      syscalls: [],
      capabilities: { keep: ['CAP_NET_BIND_SERVICE', 'CAP_CHOWN'] },
      namespaces: { user: true, mount: true, net: true, pid: true, ipc: true, uts: true, cgroup: true },
      uid: undefined,
      gid: undefined,
      hostname: undefined,
      mounts: [],
      seccompProfile: undefined,
      mode: 'strict',
      penalty: 'errno',
      errno: 'EPERM',
    });
  });

  it("takes OpenBSD's error modifier as the errno penalty with ENOSYS", () => {
    expect(validatePolicy({ vows: 'stdio error rpath' })).toMatchObject({ vows: ['stdio', 'rpath'], penalty: 'errno', errno: 'ENOSYS' });
    expect(validatePolicy({ vows: ['stdio', 'ERROR'], penalty: 'kill' })).toMatchObject({ penalty: 'kill', errno: 'ENOSYS' });
    expect(loadPolicy({ vows: 'stdio error' }).vows).toBe('stdio error');
  });

  it('gives defaults for an empty policy; net true means unrestricted', () => {
    expect(validatePolicy({ net: true })).toMatchObject({ fs: undefined, net: undefined, vows: undefined, capabilities: undefined, mode: 'strict', penalty: 'kill' });
    expect(validatePolicy({ fs: false, net: false, capabilities: 'drop-all' })).toMatchObject({ fs: false, net: false, capabilities: { keep: [] } });
  });

  it.each<[unknown, string, string]>([
    [null, '$', 'must be object, got null'],
    [[], '$', 'must be object, got array'],
    [{ fss: {} }, '$.fss', 'is not allowed here'],
    [{ fs: true }, '$.fs', 'must be false'],
    [{ fs: 'ro' }, '$.fs', 'must be false or object, got string'],
    [{ fs: { read: '/usr' } }, '$.fs.read', 'must be array, got string'],
    [{ fs: { read: ['/usr', 3] } }, '$.fs.read[1]', 'must be string, got integer'],
    [{ fs: { write: [''] } }, '$.fs.write[0]', 'must not be empty'],
    [{ fs: { exec: ['/a\0b'] } }, '$.fs.exec[0]', 'NUL'],
    [{ fs: { reed: [] } }, '$.fs.reed', 'expected one of: read, write, exec'],
    [{ net: { connect: [70000] } }, '$.net.connect[0]', 'must be <= 65535'],
    [{ net: { bind: [-1] } }, '$.net.bind[0]', 'must be >= 0'],
    [{ net: { bind: [1.5] } }, '$.net.bind[0]', 'must be integer, got number'],
    [{ net: 'none' }, '$.net', 'must be boolean or object'],
    [{ vows: 7 }, '$.vows', 'must be string or array'],
    [{ vows: ['stdio', 1] }, '$.vows[1]', 'must be string, got integer'],
    [{ capabilities: 'drop' }, '$.capabilities', 'must be one of "drop-all"'],
    [{ capabilities: {} }, '$.capabilities.keep', 'is required'],
    [{ capabilities: { keep: ['cap_fly'] } }, '$.capabilities.keep[0]', 'not a known capability: "cap_fly"'],
    [{ namespaces: { users: true } }, '$.namespaces.users', 'is not allowed here'],
    [{ mode: 'lenient' }, '$.mode', 'must be one of "strict" | "best-effort"'],
    [{ penalty: 'log' }, '$.penalty', 'must be one of "kill" | "errno"'],
    [{ syscalls: [{ syscall: 'ptrace' }] }, '$.syscalls[0].action', 'is required'],
    [{ syscalls: [{ syscall: [], action: 'allow' }] }, '$.syscalls[0].syscall', 'at least 1'],
    [{ syscalls: [{ syscall: 'x', action: 'permit' }] }, '$.syscalls[0].action', 'must be one of'],
    [{ syscalls: [{ syscall: 'x', action: { errno: 5000 } }] }, '$.syscalls[0].action.errno', 'must be <= 4095'],
    [{ syscalls: [{ syscall: 'x', action: 'allow', args: [{ index: 6, op: 'eq', value: 1 }] }] }, '$.syscalls[0].args[0].index', 'must be <= 5'],
    [{ syscalls: [{ syscall: 'x', action: 'allow', args: [{ index: 0, op: 'eq', value: 'ten' }] }] }, '$.syscalls[0].args[0].value', 'must match'],
  ])('rejects %j at %s', (policy, path, message) => {
    const e = thrown(() => validatePolicy(policy));
    expect(e.code).toBe(ErrorCodes.INVALID_POLICY);
    expect(e.details.path).toBe(path);
    expect(e.message).toContain(path);
    expect(e.message).toContain(message);
  });

  it('accepts seccomp rules with bigint and hex-string values', () => {
    const rule = { syscall: ['ioctl'], action: { errno: 'EPERM' }, args: [{ index: 1, op: 'masked-eq', mask: '0xff', value: 0x54n, width: 32 }] };
    expect(validatePolicy({ syscalls: [rule] }).syscalls).toEqual([{ ...rule, args: [{ ...rule.args[0], mask: 0xffn }] }]);
  });

  it.each<[unknown, string, string]>([
    [{ vows: 'stdio flying' }, '$.vows', 'flying'],
    [{ vows: ['stdio', 'rpath', 'bogus'] }, '$.vows[2]', 'bogus'],
  ])('unknown vows in %j are ERR_EXILE_UNKNOWN_VOW at %s', (policy, path, token) => {
    const e = thrown(() => validatePolicy(policy));
    expect(e.code).toBe(ErrorCodes.UNKNOWN_VOW);
    expect(e.details).toMatchObject({ path, token });
  });
});

describe('loadPolicy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exile-policy-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('loads a JSON file; relative paths resolve against its directory; $schema is allowed', () => {
    const path = file('ok.json', JSON.stringify({ $schema: '../policy.schema.json', fs: { read: ['data'], exec: ['/usr'] }, vows: 'stdio rpath' }));
    const expected: Policy = { mode: 'strict', penalty: 'kill', fs: { read: [join(dir, 'data')], write: [], exec: ['/usr'] }, vows: ['stdio', 'rpath'] };
    expect(loadPolicy(path)).toEqual(expected);
    expect(loadPolicy(pathToFileURL(path))).toEqual(expected);
  });

  it('keeps devices: false and allowWriteExec: true through a round trip, and leaves the defaults out', () => {
    expect(loadPolicy({ fs: { read: ['/usr'], devices: false, allowWriteExec: true } }).fs)
      .toEqual({ read: ['/usr'], write: [], exec: [], devices: false, allowWriteExec: true });
    expect(loadPolicy({ fs: { read: ['/usr'], devices: true, allowWriteExec: false } }).fs).toEqual({ read: ['/usr'], write: [], exec: [] });
  });

  it('loads an object, and its result validates again unchanged', () => {
    const policy = loadPolicy({ net: false, capabilities: { keep: ['chown'] }, namespaces: 'all', mode: 'best-effort' });
    expect(policy).toMatchObject({ net: false, capabilities: { keep: ['CAP_CHOWN'] }, mode: 'best-effort' });
    expect(loadPolicy(policy)).toEqual(policy);
  });

  it('names the file for unreadable and malformed JSON', () => {
    const missing = thrown(() => loadPolicy(join(dir, 'missing.json')));
    expect(missing.code).toBe(ErrorCodes.INVALID_POLICY);
    expect(missing.message).toContain('missing.json');
    const bad = thrown(() => loadPolicy(file('bad.json', '{"fs": ')));
    expect(bad.code).toBe(ErrorCodes.INVALID_POLICY);
    expect(bad.message).toMatch(/bad\.json is not valid JSON/);
  });

  it('reports the JSON path of a bad part inside a file', () => {
    const e = thrown(() => loadPolicy(file('path.json', '{"net": {"connect": [80, "443"]}}')));
    expect(e.details.path).toBe('$.net.connect[1]');
  });
});

describe('validatePolicy: syscall rules, checked by @exile/seccomp', () => {
  it('turns JSON string values into bigints', () => {
    const n = validatePolicy({ syscalls: [{ syscall: 'ioctl', action: { errno: 'EPERM' }, args: [{ index: 1, op: 'masked-eq', mask: '0xffffffff', value: '21524' }] }] });
    expect(n.syscalls[0]!.args).toEqual([{ index: 1, op: 'masked-eq', mask: 0xffffffffn, value: 21524n, width: 32 }]);
  });

  it('takes each argument\'s width from the syscall: 32 for ioctl\'s request; a 64-bit check of it is refused', () => {
    const rule = (width?: 32 | 64) => ({ syscall: 'ioctl', action: { errno: 'EPERM' }, args: [{ index: 1, op: 'eq', value: 0x541b, ...(width ? { width } : {}) }] }) as const;
    expect(validatePolicy({ syscalls: [rule()] }).syscalls[0]!.args![0]!.width).toBe(32);
    const e = thrown(() => validatePolicy({ syscalls: [{ syscall: 'getpid', action: 'allow' }, rule(64)] }));
    expect(e.code).toBe('ERR_EXILE_INVALID_POLICY');
    expect(e.details.path).toBe('$.syscalls[1].args[0].width');
    expect(e.message).toContain('argument 1 of ioctl is 32 bits wide');
  });

  it.each<[unknown, string, string]>([
    [{ syscalls: [{ syscall: 'read', action: 'allow' }, { syscall: 'no_such_call', action: 'allow' }] }, ErrorCodes.UNKNOWN_SYSCALL, '$.syscalls[1].syscall'],
    [{ syscalls: [{ syscall: 'read', action: { errno: 'EWHATEVER' } }] }, ErrorCodes.INVALID_POLICY, '$.syscalls[0].action.errno'],
    [{ syscalls: [{ syscall: 'read', action: 'allow', args: [{ index: 0, op: 'masked-eq', value: 1 }] }] }, ErrorCodes.INVALID_POLICY, '$.syscalls[0].args[0]'],
  ])('%j → %s at %s', (policy, code, path) => {
    const e = thrown(() => validatePolicy(policy));
    expect(e.code).toBe(code);
    expect(String(e.details.path)).toContain(path);
    expect(e.message).toContain(path);
  });
});
