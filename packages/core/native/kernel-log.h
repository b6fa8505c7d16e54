// The kernel log from a point on: see kernel-log.cc.
#pragma once
#include <napi.h>

namespace exile_core {

void AddKernelLog(Napi::Env env, Napi::Object exports);

}  // namespace exile_core
