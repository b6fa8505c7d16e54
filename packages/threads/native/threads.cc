// N-API surface of @exile/threads: encodes nothing, decides nothing. broadcast() hands the ops
// (already validated and encoded by TypeScript) to the process's engine and returns its report.
#include <napi.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <memory>
#include <vector>
#include "locate.h"

namespace {

Napi::Value Broadcast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsTypedArray() || !info[1].IsNumber()) {
    throw Napi::TypeError::New(env, "broadcast(BigInt64Array ops, number timeoutMs)");
  }
  auto encoded = info[0].As<Napi::TypedArrayOf<int64_t>>();
  if (encoded.TypedArrayType() != napi_bigint64_array || encoded.ElementLength() % 5 != 0) {
    throw Napi::TypeError::New(env, "ops must be a BigInt64Array of 5 words per op");
  }
  std::vector<exile_op_v1> ops(encoded.ElementLength() / 5);
  for (size_t i = 0; i < ops.size(); i++) {
    ops[i].kind = static_cast<uint32_t>(encoded[i * 5]);
    ops[i].reserved = 0;
    ops[i].a = encoded[i * 5 + 1];
    ops[i].b = static_cast<uint64_t>(encoded[i * 5 + 2]);
    ops[i].c = static_cast<uint64_t>(encoded[i * 5 + 3]);
    ops[i].d = static_cast<uint64_t>(encoded[i * 5 + 4]);
  }
  double timeoutMs = info[1].As<Napi::Number>().DoubleValue();

  // Not value-initialised: the engine writes every entry it reports, and untouched pages stay unmapped.
  std::unique_ptr<exile_thread_v1[]> threads(new exile_thread_v1[EXILE_MAX_THREADS]);
  exile_report_v1 report{};
  report.threads = threads.get();
  const char* enginePath = nullptr;
  exile_broadcast_v1_fn engine = exile_locate_engine(&enginePath);
  int result = engine(ops.data(), static_cast<uint32_t>(ops.size()), static_cast<int64_t>(timeoutMs * 1e6), &report);

  Napi::Object out = Napi::Object::New(env);
  out.Set("result", result);
  out.Set("rounds", report.rounds);
  out.Set("callerTid", report.caller_tid);
  out.Set("error", report.error);
  out.Set("errorStep", report.error_syscall != nullptr ? Napi::Value(Napi::String::New(env, report.error_syscall)) : env.Null());
  out.Set("timedOut", report.timed_out != 0);
  out.Set("handlerRestored", report.handler_restored != 0);
  out.Set("elapsedNs", static_cast<double>(report.elapsed_ns));
  out.Set("engine", enginePath != nullptr ? enginePath : "");
  Napi::Array list = Napi::Array::New(env, report.count);
  for (uint32_t i = 0; i < report.count; i++) {
    const exile_thread_v1& t = threads[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("tid", t.tid);
    o.Set("status", t.status);
    o.Set("round", t.round);
    o.Set("state", t.state);
    o.Set("starttime", Napi::BigInt::New(env, t.starttime));
    o.Set("ino", Napi::BigInt::New(env, t.ino));
    o.Set("flags", t.flags);
    o.Set("statErrno", t.stat_errno);
    o.Set("sendErrno", t.send_errno);
    Napi::Array errnos = Napi::Array::New(env, static_cast<size_t>(t.ran));
    for (int32_t k = 0; k < t.ran; k++) errnos.Set(static_cast<uint32_t>(k), t.errnos[k]);
    o.Set("errnos", errnos);
    list.Set(i, o);
  }
  out.Set("threads", list);
  return out;
}

Napi::Value Gettid(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(syscall(SYS_gettid)));
}

Napi::Value Engine(const Napi::CallbackInfo& info) {
  const char* path = nullptr;
  exile_locate_engine(&path);
  return Napi::String::New(info.Env(), path != nullptr ? path : "");
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("broadcast", Napi::Function::New(env, Broadcast, "broadcast"));
  exports.Set("gettid", Napi::Function::New(env, Gettid, "gettid"));
  exports.Set("engine", Napi::Function::New(env, Engine, "engine"));
  return exports;
}

}  // namespace
NODE_API_MODULE(exile_threads, Init)
