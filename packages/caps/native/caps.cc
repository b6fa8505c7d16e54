// Reads the calling thread's capability state: capget plus the prctl queries. Changing it is a
// per-thread operation, so that goes through @exile/threads' broadcast, never through here.
#include <napi.h>
#include <exile/napi.h>
#include <exile/syscall_numbers.h>
#include <cerrno>
#include <cstdint>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#endif

namespace {

Napi::BigInt U64(Napi::Env env, uint64_t v) { return Napi::BigInt::New(env, v); }

Napi::Value Capget(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (syscall(EXILE_NR_capget, &header, data) != 0) exile::ThrowErrno(env, "capget", errno);
  auto join = [](uint32_t lo, uint32_t hi) { return (static_cast<uint64_t>(hi) << 32) | lo; };
  Napi::Object o = Napi::Object::New(env);
  o.Set("effective", U64(env, join(data[0].effective, data[1].effective)));
  o.Set("permitted", U64(env, join(data[0].permitted, data[1].permitted)));
  o.Set("inheritable", U64(env, join(data[0].inheritable, data[1].inheritable)));
  return o;
}

// The highest capability this kernel knows: PR_CAPBSET_READ fails with EINVAL past it (what libcap
// does; /proc/sys/kernel/cap_last_cap may be unreadable under Landlock). Found once per process:
// it is the kernel's, and the search is 42 syscalls of the read-back inside enable()'s apply().
int LastCap(Napi::Env env) {
  static int last = -1;
  if (last >= 0) return last;
  int cap = 0;
  while (cap < 64) {
    if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0) {
      if (errno == EINVAL) break;
      exile::ThrowErrno(env, "prctl(PR_CAPBSET_READ)", errno);
    }
    cap++;
  }
  last = cap - 1;
  return last;
}

// Bounding and ambient sets, securebits and no_new_privs of the calling thread.
Napi::Value State(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int last = LastCap(env);
  uint64_t bounding = 0;
  uint64_t ambient = 0;
  for (int cap = 0; cap <= last; cap++) {
    int b = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (b < 0) exile::ThrowErrno(env, "prctl(PR_CAPBSET_READ)", errno);
    int a = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0);
    if (a < 0) exile::ThrowErrno(env, "prctl(PR_CAP_AMBIENT_IS_SET)", errno);
    if (b) bounding |= 1ULL << cap;
    if (a) ambient |= 1ULL << cap;
  }
  int securebits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
  if (securebits < 0) exile::ThrowErrno(env, "prctl(PR_GET_SECUREBITS)", errno);
  int nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
  if (nnp < 0) exile::ThrowErrno(env, "prctl(PR_GET_NO_NEW_PRIVS)", errno);
  Napi::Object o = Napi::Object::New(env);
  o.Set("lastCap", last);
  o.Set("bounding", U64(env, bounding));
  o.Set("ambient", U64(env, ambient));
  o.Set("securebits", securebits);
  o.Set("noNewPrivs", nnp == 1);
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  return exile::Exports(env, exports, {{"capget", Capget}, {"state", State}});
}

}  // namespace
NODE_API_MODULE(exile_caps, Init)
