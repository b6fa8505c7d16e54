// Placeholder until the broadcast lands (issue: @exile/threads): only gettid.
#include <napi.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace {
Napi::Value Gettid(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(syscall(SYS_gettid)));
}
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("gettid", Napi::Function::New(env, Gettid, "gettid"));
  return exports;
}
}  // namespace
NODE_API_MODULE(exile_threads, Init)
