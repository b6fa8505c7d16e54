// Placeholder until the caps issue lands: capget of the calling thread.
#include <napi.h>
#include <exile/napi.h>
#include <cerrno>
#include <cstdint>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace {
Napi::Value Capget(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (syscall(SYS_capget, &header, data) != 0) exile::ThrowErrno(env, "capget", errno);
  auto join = [&](uint32_t lo, uint32_t hi) {
    return Napi::BigInt::New(env, (static_cast<uint64_t>(hi) << 32) | lo);
  };
  Napi::Object o = Napi::Object::New(env);
  o.Set("effective", join(data[0].effective, data[1].effective));
  o.Set("permitted", join(data[0].permitted, data[1].permitted));
  o.Set("inheritable", join(data[0].inheritable, data[1].inheritable));
  return o;
}
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("capget", Napi::Function::New(env, Capget, "capget"));
  return exports;
}
}  // namespace
NODE_API_MODULE(exile_caps, Init)
