// The native part of @exile/seccomp: the seccomp(2) calls (the listener's are in listener.cc).
// Everything else is TypeScript.
#include <napi.h>
#include <exile/napi.h>
#include <exile/syscall_numbers.h>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace exile_listener {
void Register(Napi::Env env, Napi::Object exports);
}

namespace {

Napi::Value ActionAvailable(const Napi::CallbackInfo& info) {
  uint32_t action = info[0].As<Napi::Number>().Uint32Value();
  if (syscall(EXILE_NR_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0) return Napi::Boolean::New(info.Env(), true);
  if (errno == EOPNOTSUPP) return Napi::Boolean::New(info.Env(), false);
  exile::ThrowErrno(info.Env(), "seccomp", errno);
}

// install(instructions: Uint8Array, flags: number) → 0, or with TSYNC the id of the thread the
// kernel could not synchronise (nothing was installed then). Sets no_new_privs first: the kernel
// requires it (or CAP_SYS_ADMIN) and with TSYNC copies it to every thread.
Napi::Value Install(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
  uint32_t flags = info[1].As<Napi::Number>().Uint32Value();
  // Copy: the typed array's storage need not be aligned for struct sock_filter.
  std::vector<sock_filter> filter(bytes.ByteLength() / sizeof(sock_filter));
  std::memcpy(filter.data(), bytes.Data(), filter.size() * sizeof(sock_filter));
  sock_fprog prog{static_cast<unsigned short>(filter.size()), filter.data()};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) exile::ThrowErrno(env, "prctl(PR_SET_NO_NEW_PRIVS)", errno);
  long rc = syscall(EXILE_NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (rc < 0) exile::ThrowErrno(env, "seccomp(SECCOMP_SET_MODE_FILTER)", errno);
  return Napi::Number::New(env, static_cast<double>(rc));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exile_listener::Register(env, exports);
  return exile::Exports(env, exports, {{"actionAvailable", ActionAvailable}, {"install", Install}});
}

}  // namespace
NODE_API_MODULE(exile_seccomp, Init)
