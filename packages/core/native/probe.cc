// The probe: one call that snapshots what this kernel and this process can do (Landlock is
// asked through @exile/landlock, which owns its constants).
// Raw numbers and errnos only; TypeScript names and interprets them.
#include <napi.h>
#include <exile/napi.h>
#include <exile/arch.h>
#include <exile/syscall_numbers.h>

#include "kernel-log.h"

#include <cerrno>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

// Declared here rather than taken from the build machine's headers, which may be older.
constexpr unsigned kSeccompSetModeFilter = 1;
constexpr unsigned kSeccompFilterFlagTsync = 1;

// Returns the value, or -errno.
long Syscall3(long nr, long a, long b, long c) {
  long r = syscall(nr, a, b, c);
  return r < 0 ? -errno : r;
}

Napi::Value Uname(const Napi::Env& env) {
  struct utsname u {};
  if (uname(&u) != 0) exile::ThrowErrno(env, "uname", errno);
  Napi::Object o = Napi::Object::New(env);
  o.Set("release", u.release);
  o.Set("machine", u.machine);
  return o;
}

// TSYNC support without installing anything: the kernel validates flags before copying the
// (NULL) program, so EFAULT means "flag known" and EINVAL means "flag unknown".
long SeccompTsyncProbe() {
  return Syscall3(EXILE_NR_seccomp, kSeccompSetModeFilter, kSeccompFilterFlagTsync, 0);
}

// The child of UserNamespaceProbe(): it shares the caller's memory, so it touches no libc state
// (exile_raw_syscall() sets no errno) and only reports unshare's result as its exit status.
int TryUnshareUser(void*) {
  long r = exile_raw_syscall(EXILE_NR_unshare, CLONE_NEWUSER, 0, 0, 0, 0, 0);
  return r == 0 ? 0 : static_cast<int>(-r & 0xff);
}

// User namespaces, decided by trying in a child (unshare refuses a threaded caller). The child
// is a vfork-style clone: it runs on a stack in this frame while this thread waits, so no copy of
// Node's address space is made (a fork() cost this probe most of its time). Signals stay blocked
// in the child: a handler of Node's must not run on its stack.
long UserNamespaceProbe() {
  alignas(16) char stack[16 * 1024];
  sigset_t all, saved;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &saved);
  pid_t pid = clone(TryUnshareUser, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, nullptr);
  int error = errno;
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  if (pid < 0) return -error;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -errno;
  }
  if (!WIFEXITED(status)) return -ECHILD;
  return -WEXITSTATUS(status);
}

Napi::Value Probe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsBoolean()) throw Napi::TypeError::New(env, "probe(tryUserNamespace: boolean)");
  Napi::Object o = Napi::Object::New(env);
  o.Set("uname", Uname(env));
  int seccompMode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
  o.Set("seccompMode", Napi::Number::New(env, seccompMode < 0 ? -errno : seccompMode));
  o.Set("seccompTsync", Napi::Number::New(env, SeccompTsyncProbe()));
  if (info[0].As<Napi::Boolean>().Value()) o.Set("userNamespace", Napi::Number::New(env, UserNamespaceProbe()));
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exile_core::AddKernelLog(env, exports);
  return exile::Exports(env, exports, {{"probe", Probe}});
}

}  // namespace

NODE_API_MODULE(exile_core, Init)
