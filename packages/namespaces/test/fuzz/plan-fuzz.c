/* Feeds every plan of a stream ({u32 length, bytes}...) read from stdin to plan_decode, under
 * AddressSanitizer/UBSan. Prints "<valid> <invalid>" counts; any memory error aborts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../native/plan.h"

int main(void) {
  unsigned char head[4];
  size_t valid = 0, invalid = 0;
  while (fread(head, 1, 4, stdin) == 4) {
    size_t n = (size_t)head[0] | (size_t)head[1] << 8 | (size_t)head[2] << 16 | (size_t)head[3] << 24;
    /* an exact-size heap copy, so ASan sees any read past its end */
    unsigned char *buf = malloc(n ? n : 1);
    if (buf == NULL || fread(buf, 1, n, stdin) != n) return 2;
    struct plan plan;
    const char *why;
    size_t at;
    if (plan_decode(buf, n, &plan, &why, &at) == 0) {
      valid++;
      plan_free(&plan);
    } else {
      if (why == NULL || at > n) return 3;
      invalid++;
    }
    free(buf);
  }
  printf("%zu %zu\n", valid, invalid);
  return 0;
}
