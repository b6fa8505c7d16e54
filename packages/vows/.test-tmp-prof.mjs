import { compile as bpf, availableActions } from '@exile/seccomp';
import { compileParsed } from '/work/main/packages/vows/dist/compile.js';
import { reportTable } from '/work/main/packages/vows/dist/report-table.js';
import { resolveOptions } from '/work/main/packages/vows/dist/options.js';
const t = (label, fn) => { const s = process.hrtime.bigint(); const r = fn(); console.log(label, Number(process.hrtime.bigint() - s) / 1e6, 'ms'); return r; };
for (let i = 0; i < 2; i++) {
const pol = t('policy', () => compileParsed(['stdio','rpath','inet'], resolveOptions({}, false), process.pid));
t('bpf', () => bpf(pol, { arch: 'x86_64' }));
t('actions', () => availableActions());
t('table', () => reportTable(['stdio','rpath','inet'], 'x86_64', process.pid));
}
