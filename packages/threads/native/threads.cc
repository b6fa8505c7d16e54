// N-API surface of @exile/threads: encodes nothing, decides nothing. broadcast() hands the ops
// (already validated and encoded by TypeScript) to the process's engine and returns its report.
#include <napi.h>
#include <exile/napi.h>
#include <exile/syscall_numbers.h>
#include <dirent.h>
#include <unistd.h>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>
#include "engine/ops.h"
#include "locate.h"

namespace {

constexpr size_t kIntFields = 8 + EXILE_MAX_OPS;

// The engine's per-thread report, kept for the calling thread's life: allocated anew per call it
// was an mmap and a munmap (too big for the heap) inside every broadcast, and the munmap stalls
// on the threads the broadcast just woke. Not value-initialised: the engine writes every entry it
// reports, and untouched pages stay unmapped.
exile_thread_v1* ThreadsBuffer() {
  thread_local std::unique_ptr<exile_thread_v1[]> threads;
  if (!threads) threads.reset(new exile_thread_v1[EXILE_MAX_THREADS]);
  return threads.get();
}

Napi::Value Broadcast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsTypedArray() || !info[1].IsNumber()) {
    throw Napi::TypeError::New(env, "broadcast(BigInt64Array ops, number timeoutMs)");
  }
  auto encoded = info[0].As<Napi::TypedArrayOf<int64_t>>();
  if (encoded.TypedArrayType() != napi_bigint64_array || encoded.ElementLength() % EXILE_OP_WORDS != 0) {
    throw Napi::TypeError::New(env, "ops must be a BigInt64Array of 5 words per op");
  }
  std::vector<exile_op_v1> ops(encoded.ElementLength() / EXILE_OP_WORDS);
  exile_ops_from_words(encoded.Data(), static_cast<uint32_t>(ops.size()), ops.data());
  double timeoutMs = info[1].As<Napi::Number>().DoubleValue();

  exile_report_v1 report{};
  report.threads = ThreadsBuffer();
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
  // Per thread: EXILE_INT_FIELDS int32s and two uint64s (starttime, ino), flat, decoded in TypeScript.
  auto ints = Napi::Int32Array::New(env, static_cast<size_t>(report.count) * kIntFields);
  auto wide = Napi::BigUint64Array::New(env, static_cast<size_t>(report.count) * 2);
  for (uint32_t i = 0; i < report.count; i++) {
    const exile_thread_v1& t = report.threads[i];
    int32_t* row = ints.Data() + static_cast<size_t>(i) * kIntFields;
    int32_t fixed[] = {t.tid, t.status, t.round, t.state, static_cast<int32_t>(t.flags), t.stat_errno, t.send_errno, t.ran};
    for (size_t k = 0; k < 8; k++) row[k] = fixed[k];
    for (size_t k = 0; k < EXILE_MAX_OPS; k++) row[8 + k] = t.errnos[k];
    wide.Data()[i * 2] = t.starttime;
    wide.Data()[i * 2 + 1] = t.ino;
  }
  out.Set("ints", ints);
  out.Set("wide", wide);
  return out;
}

// The fds whose /proc/self/fd link is an io_uring, for ioUring() (proc.ts), which reads each one's
// fdinfo; null when /proc/self/fd cannot be listed (the caller's own listing then says why). Here
// a readlinkat costs a syscall; through node:fs each link cost several times that, inside apply().
Napi::Value IoUringFds(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return env.Null();
  static const char kRing[] = "anon_inode:[io_uring]";
  std::vector<int32_t> fds;
  while (const dirent* entry = readdir(dir)) {
    char target[sizeof kRing];
    ssize_t n = readlinkat(dirfd(dir), entry->d_name, target, sizeof target);
    if (n == static_cast<ssize_t>(sizeof kRing - 1) && memcmp(target, kRing, sizeof kRing - 1) == 0) fds.push_back(atoi(entry->d_name));
  }
  closedir(dir);
  Napi::Array out = Napi::Array::New(env, fds.size());
  for (size_t i = 0; i < fds.size(); i++) out.Set(static_cast<uint32_t>(i), fds[i]);
  return out;
}

Napi::Value Gettid(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(syscall(EXILE_NR_gettid)));
}

Napi::Value Engine(const Napi::CallbackInfo& info) {
  const char* path = nullptr;
  exile_locate_engine(&path);
  return Napi::String::New(info.Env(), path != nullptr ? path : "");
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exile_locate_engine(nullptr);  // find the shared engine now, not inside the first broadcast
  ThreadsBuffer();               // and allocate the report where the addon is loaded, ahead of it
  return exile::Exports(env, exports, {{"broadcast", Broadcast}, {"gettid", Gettid}, {"ioUringFds", IoUringFds}, {"engine", Engine}});
}

}  // namespace
NODE_API_MODULE(exile_threads, Init)
