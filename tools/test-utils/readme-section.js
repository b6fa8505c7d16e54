// A README's generated sections: `<!-- name:start -->`, the body a package's data renders,
// `<!-- name:end -->`. A package's `scripts/readme.mjs` rewrites them (after its build); its
// readme test fails when one is stale. Plain JS: those scripts run with Node, which cannot
// import TypeScript from node_modules.

const markers = (name) => [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];

function bounds(readme, name) {
  const [start, end] = markers(name);
  const i = readme.indexOf(start), j = readme.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README has no ${start} ... ${end} section`);
  return [i + start.length, j];
}

/**
 * The body of the section `name`.
 * @param {string} readme the README's text
 * @param {string} name
 * @returns {string}
 */
export function readmeSection(readme, name) {
  const [i, j] = bounds(readme, name);
  return readme.slice(i, j).replace(/^\n/, '').replace(/\n$/, '');
}

/**
 * The README with the section `name` holding `body`.
 * @param {string} readme the README's text
 * @param {string} name
 * @param {string} body
 * @returns {string}
 */
export function replaceSection(readme, name, body) {
  const [i, j] = bounds(readme, name);
  return `${readme.slice(0, i)}\n${body}\n${readme.slice(j)}`;
}
