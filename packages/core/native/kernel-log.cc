// /dev/kmsg opened at its end, so a reader sees only the records written after it (Node's fs has
// no lseek): what a sandbox was denied is read from the few records of its own run, not by
// reading every record the kernel still holds.
#include "kernel-log.h"

#include <exile/napi.h>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace exile_core {
namespace {

// kernelLogAtEnd() → a non-blocking fd whose next read is the next record written, or -errno.
Napi::Value KernelLogAtEnd(const Napi::CallbackInfo& info) {
  int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Napi::Number::New(info.Env(), -errno);
  if (lseek(fd, 0, SEEK_END) < 0) {
    int err = errno;
    close(fd);
    return Napi::Number::New(info.Env(), -err);
  }
  return Napi::Number::New(info.Env(), fd);
}

}  // namespace

void AddKernelLog(Napi::Env env, Napi::Object exports) {
  exile::Exports(env, exports, {{"kernelLogAtEnd", KernelLogAtEnd}});
}

}  // namespace exile_core
