// Placeholder until the vows issue lands (SIGSYS reporter).
#include <napi.h>
#include <unistd.h>

namespace {
Napi::Value Pid(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), getpid()); }
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("pid", Napi::Function::New(env, Pid, "pid"));
  return exports;
}
}  // namespace
NODE_API_MODULE(exile_vows, Init)
