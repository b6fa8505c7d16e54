// A minimal ustar writer and reader: just enough for the demo's crafted archive.
const BLOCK = 512;

function field(buf, offset, length, text) {
  buf.write(text, offset, Math.min(length, Buffer.byteLength(text)), 'utf8');
}

function octal(buf, offset, length, value) {
  field(buf, offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
}

function header({ name, type, size = 0, linkname = '' }) {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar: name longer than 100 bytes: ${name}`);
  const h = Buffer.alloc(BLOCK);
  field(h, 0, 100, name);
  octal(h, 100, 8, type === '2' ? 0o777 : 0o644);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, 0);
  h.fill(' ', 148, 156);
  field(h, 156, 1, type);
  field(h, 157, 100, linkname);
  field(h, 257, 8, 'ustar\u000000');
  let sum = 0;
  for (const byte of h) sum += byte;
  field(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/** Entries: { name, content } for files, { name, linkname } for symlinks. Returns the archive bytes. */
export function pack(entries) {
  const parts = [];
  for (const e of entries) {
    if (e.linkname !== undefined) {
      parts.push(header({ name: e.name, type: '2', linkname: e.linkname }));
      continue;
    }
    const data = Buffer.from(e.content);
    parts.push(header({ name: e.name, type: '0', size: data.length }), data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

function text(buf, offset, length) {
  const raw = buf.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

/** Yields { name, type: 'file' | 'symlink', content?, linkname? } for each entry. */
export function* unpack(archive) {
  for (let offset = 0; offset + BLOCK <= archive.length;) {
    const h = archive.subarray(offset, offset + BLOCK);
    if (h.every((b) => b === 0)) return;
    const name = text(h, 0, 100);
    const size = parseInt(text(h, 124, 12), 8);
    const type = text(h, 156, 1);
    offset += BLOCK;
    if (type === '2') yield { name, type: 'symlink', linkname: text(h, 157, 100) };
    else yield { name, type: 'file', content: archive.subarray(offset, offset + size) };
    offset += Math.ceil(size / BLOCK) * BLOCK;
  }
}
