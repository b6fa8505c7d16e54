/* exile-launch: placeholder until the namespaces issue lands. Proves the executable pipeline:
 * `exile-launch --version` prints the version; `exile-launch -- CMD ARGS...` execs CMD. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--version") == 0) {
    puts("exile-launch 0.0.0");
    return 0;
  }
  if (argc >= 3 && strcmp(argv[1], "--") == 0) {
    execvp(argv[2], argv + 2);
    fprintf(stderr, "exile-launch: exec %s: %s\n", argv[2], strerror(errno));
    return 127;
  }
  fputs("usage: exile-launch --version | -- CMD [ARGS...]\n", stderr);
  return 2;
}
