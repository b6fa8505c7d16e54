// Shared helpers for exile's N-API addons. Header-only so every addon compiles it in.
#pragma once
#include <napi.h>
#include <cerrno>
#include <initializer_list>
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

// One function an addon exports: its JavaScript name (also the function's `name`) and its body.
struct Export {
  const char* name;
  Napi::Value (*body)(const Napi::CallbackInfo&);
};

// Sets each function on `exports`: an addon's registration is its table of names, nothing more.
inline Napi::Object Exports(Napi::Env env, Napi::Object exports, std::initializer_list<Export> functions) {
  for (const Export& function : functions) exports.Set(function.name, Napi::Function::New(env, function.body, function.name));
  return exports;
}

}  // namespace exile
