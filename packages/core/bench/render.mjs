// The pool bench's module: a real markdown renderer, loaded before the calls arrive. Its first
// renders run at import, before the worker says it is ready: a single-use worker serves one call,
// and without them that call would run the renderer cold (parsed, not yet compiled).
import { marked } from 'marked';

const sample = '# Title\n\nSome *emphasis*, `code`, a [link](https://example.com) and a list:\n\n- one\n- two\n\n```js\nconst x = 1;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n';
for (let i = 0; i < 20; i++) marked.parse(sample);

export const render = (markdown) => marked.parse(markdown);
