#!/usr/bin/env node
// The architectures every native package ships a prebuild for, by Node's name, with the GNU
// triplet of each one's toolchain and Debian's name for it. The one list of them:
// tools/build-native.mjs builds these (another machine's with `<triplet>-gcc`), tools/run.sh
// installs the cross toolchains of those this machine is not (`node tools/prebuild-arches.mjs
// apt`), and tools/pack-check checks that each prebuild is an ELF file for its triplet by
// @exile/seccomp's arch list, whose `program.multiarch` is the same triplet. What the kernel says of
// an architecture (syscalls, ELF machine) is not here but in seccomp/src/arches.ts, which
// build-native cannot read: it runs before @exile/seccomp is built.
import { fileURLToPath } from 'node:url';

export const PREBUILD_ARCHES = {
  x64: { triplet: 'x86_64-linux-gnu', debian: 'amd64' },
  arm64: { triplet: 'aarch64-linux-gnu', debian: 'arm64' },
};

/** The Debian packages of `arch`'s cross toolchain, as tools/apt-packages.txt lines: `<package> <file that proves it is installed>`. */
export function crossPackages(arch) {
  const { triplet, debian } = PREBUILD_ARCHES[arch];
  const name = triplet.replaceAll('_', '-'); // Debian's package names have no underscore
  return [`gcc-${name} /usr/bin/${triplet}-gcc`, `g++-${name} /usr/bin/${triplet}-g++`, `libc6-dev-${debian}-cross /usr/${triplet}/include/stdio.h`];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] !== 'apt') {
    console.error('usage: node tools/prebuild-arches.mjs apt   (the cross-toolchain packages for every prebuild arch but this machine\'s)');
    process.exit(2);
  }
  for (const arch of Object.keys(PREBUILD_ARCHES).filter((a) => a !== process.arch)) console.log(crossPackages(arch).join('\n'));
}
