// A newc ("070701") cpio archive, the format the kernel unpacks as its initramfs: directories,
// files, symlinks and character devices, written without an external cpio.
import { closeSync, lstatSync, openSync, readFileSync, readdirSync, readlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const hex = (n) => n.toString(16).padStart(8, '0');

export class Cpio {
  #fd;
  #offset = 0;
  #ino = 1;

  constructor(path) {
    this.#fd = openSync(path, 'w');
  }

  #write(buffer) {
    writeSync(this.#fd, buffer);
    this.#offset += buffer.length;
  }

  #pad() {
    const rest = this.#offset % 4;
    if (rest) this.#write(Buffer.alloc(4 - rest));
  }

  /** One entry: `name` without a leading slash, `mode` with its file-type bits. */
  entry(name, mode, data = Buffer.alloc(0), { major = 0, minor = 0 } = {}) {
    const fields = [this.#ino++, mode, 0, 0, 1, 0, data.length, 0, 0, major, minor, name.length + 1, 0];
    this.#write(Buffer.from(`070701${fields.map(hex).join('')}${name}\0`));
    this.#pad();
    this.#write(data);
    this.#pad();
  }

  dir(name) {
    this.entry(name, 0o040755);
  }

  file(name, data, mode = 0o644) {
    this.entry(name, 0o100000 | mode, data);
  }

  symlink(name, target) {
    this.entry(name, 0o120777, Buffer.from(target));
  }

  chardev(name, major, minor) {
    this.entry(name, 0o020600, Buffer.alloc(0), { major, minor });
  }

  /** A host folder copied in at `name`, symlinks kept as links, modes kept (made readable). */
  tree(name, from) {
    const stat = lstatSync(from);
    if (stat.isSymbolicLink()) this.symlink(name, readlinkSync(from));
    else if (stat.isDirectory()) {
      this.dir(name);
      for (const entry of readdirSync(from).sort()) this.tree(`${name}/${entry}`, join(from, entry));
    } else this.file(name, readFileSync(from), (stat.mode & 0o777) | 0o444);
  }

  close() {
    this.entry('TRAILER!!!', 0);
    const rest = this.#offset % 512;
    if (rest) this.#write(Buffer.alloc(512 - rest));
    closeSync(this.#fd);
  }
}
