// N-API glue of the SIGSYS reporter: installs the handler and hands it the report table.
#include <napi.h>
#include <exile/napi.h>

#include "reporter.h"

namespace {

Napi::Value InstallHandler(const Napi::CallbackInfo& info) {
  int err = exile_vows_install_handler();
  if (err != 0) exile::ThrowErrno(info.Env(), "sigaction", err);
  return info.Env().Undefined();
}

// setTable() puts a table in force, stageTable() copies it ahead; both take the same argument.
Napi::Value TableCall(const Napi::CallbackInfo& info, const char* usage, bool (*give)(const unsigned char*, size_t)) {
  if (info.Length() < 1 || !info[0].IsTypedArray()) throw Napi::TypeError::New(info.Env(), usage);
  auto bytes = info[0].As<Napi::Uint8Array>();
  if (!give(bytes.Data(), bytes.ByteLength())) {
    throw Napi::RangeError::New(info.Env(), "report table is malformed or larger than the reporter's static buffer");
  }
  return info.Env().Undefined();
}

Napi::Value SetTable(const Napi::CallbackInfo& info) { return TableCall(info, "setTable(Uint8Array)", exile_vows_set_table); }
Napi::Value StageTable(const Napi::CallbackInfo& info) { return TableCall(info, "stageTable(Uint8Array)", exile_vows_stage_table); }

Napi::Value SetRecord(const Napi::CallbackInfo& info) {
  if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsTypedArray() || !info[2].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), "setRecord(fd, Uint8Array, pid)");
  }
  auto token = info[1].As<Napi::Uint8Array>();
  if (!exile_vows_set_record(info[0].As<Napi::Number>().Int32Value(), token.Data(), token.ByteLength(), info[2].As<Napi::Number>().Uint32Value())) {
    throw Napi::RangeError::New(info.Env(), "record fd is negative or its token is too long");
  }
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  return exile::Exports(env, exports, {{"installHandler", InstallHandler}, {"setTable", SetTable}, {"stageTable", StageTable}, {"setRecord", SetRecord}});
}

}  // namespace

NODE_API_MODULE(exile_vows, Init)
