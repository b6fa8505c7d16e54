/**
 * Source text for child scripts: `taskStatus(fields)` reads `/proc/self/task/<tid>/status` of
 * every thread and returns `{ tid, [key]: value }` for each `key: 'StatusField'` in `fields`
 * (threads that exit meanwhile are skipped). Per-thread proof that a restriction reached them all.
 */
export const TASK_STATUS = `
function taskStatus(fields) {
  const { readdirSync, readFileSync } = process.getBuiltinModule('node:fs');
  const out = [];
  for (const tid of readdirSync('/proc/self/task')) {
    let status;
    try { status = readFileSync('/proc/self/task/' + tid + '/status', 'utf8'); } catch { continue; }
    const row = { tid: Number(tid) };
    for (const [key, field] of Object.entries(fields)) row[key] = new RegExp('^' + field + ':\\\\s*(\\\\S+)', 'm').exec(status)?.[1];
    out.push(row);
  }
  return out;
}
`;
