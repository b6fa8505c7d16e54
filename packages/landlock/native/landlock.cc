// Placeholder until the landlock issue lands: ABI and errata query.
#include <napi.h>
#include <cerrno>
#include <sys/syscall.h>
#include <unistd.h>

namespace {
constexpr long kLandlockCreateRuleset = 444;
Napi::Value Query(const Napi::CallbackInfo& info) {
  unsigned flags = info[0].As<Napi::Number>().Uint32Value();
  long r = syscall(kLandlockCreateRuleset, nullptr, 0, flags);
  return Napi::Number::New(info.Env(), static_cast<double>(r < 0 ? -errno : r));
}
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("query", Napi::Function::New(env, Query, "query"));
  return exports;
}
}  // namespace
NODE_API_MODULE(exile_landlock, Init)
