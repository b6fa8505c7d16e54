// Shared helpers for exile's N-API addons. Header-only so every addon compiles it in.
#pragma once
#include <napi.h>
#include <cerrno>
#include <string>

namespace exile {

// Throws a JS Error carrying `errno` (number) and `syscall` (name). TypeScript turns it into an
// ExileError with the errno's name (see callNative in @exile/common).
inline Napi::Error ErrnoError(Napi::Env env, const char* syscall, int err) {
  Napi::Error e = Napi::Error::New(env, std::string(syscall) + " failed: errno " + std::to_string(err));
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("syscall", Napi::String::New(env, syscall));
  return e;
}

[[noreturn]] inline void ThrowErrno(Napi::Env env, const char* syscall, int err) {
  throw ErrnoError(env, syscall, err);
}

}  // namespace exile
