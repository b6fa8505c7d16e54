/** Whether `path` is `dir` or lies beneath it (both absolute and normalized: `/` holds every path). */
export function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);
}
