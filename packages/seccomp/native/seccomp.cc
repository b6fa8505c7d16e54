// Placeholder until install lands (issue: @exile/seccomp): SECCOMP_GET_ACTION_AVAIL only.
#include <napi.h>
#include <exile/napi.h>
#include <cerrno>
#include <cstdint>
#include <sys/syscall.h>
#include <unistd.h>

namespace {
constexpr unsigned kSeccompGetActionAvail = 2;

Napi::Value ActionAvailable(const Napi::CallbackInfo& info) {
  uint32_t action = info[0].As<Napi::Number>().Uint32Value();
  if (syscall(SYS_seccomp, kSeccompGetActionAvail, 0, &action) == 0) return Napi::Boolean::New(info.Env(), true);
  if (errno == EOPNOTSUPP) return Napi::Boolean::New(info.Env(), false);
  exile::ThrowErrno(info.Env(), "seccomp", errno);
}
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("actionAvailable", Napi::Function::New(env, ActionAvailable, "actionAvailable"));
  return exports;
}
}  // namespace
NODE_API_MODULE(exile_seccomp, Init)
