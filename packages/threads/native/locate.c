/* Finds the engine every copy of this addon in the process must share: the one in the first loaded
 * object that exports exile_threads_broadcast_v1. Load order only ever grows (Node never unloads
 * addons), so every copy picks the same engine without any coordination: one handler, one lock. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <stdatomic.h>
#include <stddef.h>
#include "locate.h"

#define MAX_OBJECTS 4096

struct names {
  const char *name[MAX_OBJECTS];
  size_t count;
};

static int collect(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct names *names = data;
  if (info->dlpi_name != NULL && info->dlpi_name[0] != 0 && names->count < MAX_OBJECTS) {
    names->name[names->count++] = info->dlpi_name;
  }
  return 0;
}

static _Atomic(exile_broadcast_v1_fn) engine;
static const char *_Atomic engine_path;

exile_broadcast_v1_fn exile_locate_engine(const char **path) {
  exile_broadcast_v1_fn found = atomic_load(&engine);
  if (found == NULL) {
    struct names local;
    struct names *list = &local;
    local.count = 0;
    dl_iterate_phdr(collect, list);
    for (size_t i = 0; i < list->count && found == NULL; i++) {
      void *handle = dlopen(list->name[i], RTLD_NOLOAD | RTLD_LAZY);
      if (handle == NULL) continue;
      found = (exile_broadcast_v1_fn)dlsym(handle, "exile_threads_broadcast_v1");
      dlclose(handle);
    }
    if (found == NULL) found = exile_threads_broadcast_v1; /* statically linked or no dl info */
    Dl_info info;
    atomic_store(&engine_path, dladdr((void *)found, &info) != 0 ? info.dli_fname : "");
    atomic_store(&engine, found);
  }
  if (path != NULL) *path = atomic_load(&engine_path);
  return found;
}
