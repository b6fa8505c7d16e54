// The user-notification supervisor's kernel side: a socketpair the launcher sends the listener fd
// over, a thread that waits for notifications and hands each to JavaScript, and the answers
// (errno, continue, kill) as ioctls. Every decision is made in TypeScript (src/listener.ts).
#include <napi.h>
#include <exile/napi.h>
#include <exile/syscall_numbers.h>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

struct Received {
  bool end;
  int error;  // errno that ended the thread, 0 for a normal end
  seccomp_notif notif;
};

struct Listener {
  int own = -1;     // our end of the socketpair
  int theirs = -1;  // the launcher's end, until releaseSocket()
  int wake = -1;    // eventfd: close() wakes the thread
  std::atomic<int> fd{-1};  // the seccomp listener, once received
  std::thread thread;
  Napi::ThreadSafeFunction tsfn;
  bool closed = false;
};

void Deliver(Napi::Env env, Napi::Function callback, Received* r) {
  // Nothing may be thrown out of here (it would terminate the process): the JavaScript side
  // catches its callback's errors itself (src/listener.ts); what is left is a call refused while
  // Node shuts down, with no one left to tell.
  if (env != nullptr && callback != nullptr) try {
    if (r->end) {
      callback.Call({env.Null(), r->error == 0 ? env.Undefined() : exile::ErrnoError(env, "seccomp listener", r->error).Value()});
    } else {
      Napi::Object n = Napi::Object::New(env);
      n.Set("id", Napi::BigInt::New(env, static_cast<uint64_t>(r->notif.id)));
      n.Set("pid", Napi::Number::New(env, r->notif.pid));
      n.Set("nr", Napi::Number::New(env, r->notif.data.nr));
      n.Set("arch", Napi::Number::New(env, r->notif.data.arch));
      n.Set("ip", Napi::BigInt::New(env, static_cast<uint64_t>(r->notif.data.instruction_pointer)));
      Napi::Array args = Napi::Array::New(env, 6);
      for (uint32_t i = 0; i < 6; i++) args.Set(i, Napi::BigInt::New(env, static_cast<uint64_t>(r->notif.data.args[i])));
      n.Set("args", args);
      callback.Call({n});
    }
  } catch (const Napi::Error&) {
  }
  delete r;
}

void Send(Listener* l, Received* r) {
  if (l->tsfn.NonBlockingCall(r, Deliver) != napi_ok) delete r;
}

// Waits for fd or the wake eventfd; returns the revents of fd, or -1 when woken (or on error).
int Wait(int fd, int wake) {
  pollfd fds[2] = {{fd, POLLIN, 0}, {wake, POLLIN, 0}};
  for (;;) {
    int n = poll(fds, 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || fds[1].revents != 0) return -1;
    return fds[0].revents;
  }
}

int ReceiveFd(int sock) {
  char byte;
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); while (n < 0 && errno == EINTR);
  if (n <= 0) return -1;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  if (c == nullptr || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) return -1;
  int fd;
  std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return fd;
}

// The thread: the listener fd from the launcher, then one notification after another until the
// filter has no task left (POLLHUP), close() wakes it, or an ioctl fails.
void Run(Listener* l) {
  int error = 0;
  if (Wait(l->own, l->wake) > 0) {
    int fd = ReceiveFd(l->own);
    if (fd >= 0) {
      l->fd.store(fd);
      for (;;) {
        int revents = Wait(fd, l->wake);
        if (revents < 0) break;
        if (!(revents & POLLIN)) break;  // POLLHUP: no task uses the filter any more
        Received* r = new Received{false, 0, {}};
        if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &r->notif) != 0) {
          int e = errno;
          delete r;
          if (e == EINTR || e == ENOENT) continue;  // ENOENT: the task died before we read it
          error = e;
          break;
        }
        Send(l, r);
      }
    }
  }
  Send(l, new Received{true, error, {}});
  l->tsfn.Release();
}

Listener* Get(const Napi::CallbackInfo& info) {
  Listener* l = info[0].As<Napi::External<Listener>>().Data();
  if (l->closed) throw Napi::Error::New(info.Env(), "the seccomp listener is closed");
  return l;
}

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

// Wakes and joins the thread (an eventfd write cannot fail before its counter overflows).
void Stop(Listener* l) {
  if (l->closed) return;
  l->closed = true;
  uint64_t one = 1;
  ssize_t ignored = write(l->wake, &one, sizeof one);
  (void)ignored;
  l->thread.join();
  int fd = l->fd.exchange(-1);
  CloseFd(fd);
  CloseFd(l->own);
  CloseFd(l->theirs);
  CloseFd(l->wake);
}

// open(callback) → [handle, socket]: callback(notification) per notification, then
// callback(null, error?) once at the end. The thread does not keep the event loop alive.
Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) exile::ThrowErrno(env, "socketpair", errno);
  int wake = eventfd(0, EFD_CLOEXEC);
  if (wake < 0) {
    int e = errno;
    close(pair[0]);
    close(pair[1]);
    exile::ThrowErrno(env, "eventfd", e);
  }
  Listener* l = new Listener();
  l->own = pair[0];
  l->theirs = pair[1];
  l->wake = wake;
  l->tsfn = Napi::ThreadSafeFunction::New(env, info[0].As<Napi::Function>(), "exile seccomp listener", 0, 1);
  l->tsfn.Unref(env);
  l->thread = std::thread(Run, l);
  Napi::Array out = Napi::Array::New(env, 2);
  out.Set(0u, Napi::External<Listener>::New(env, l, [](Napi::Env, Listener* dead) {
    Stop(dead);
    delete dead;
  }));
  out.Set(1u, Napi::Number::New(env, l->theirs));
  return out;
}

Napi::Value ReleaseSocket(const Napi::CallbackInfo& info) {
  CloseFd(Get(info)->theirs);
  return info.Env().Undefined();
}

// The answer to one notification. Returns false when the notification is gone (the task died or
// a signal interrupted the call: the kernel restarts it and notifies again).
bool Respond(Napi::Env env, Listener* l, uint64_t id, int error, uint32_t flags) {
  seccomp_notif_resp resp{};
  resp.id = id;
  resp.error = -error;
  resp.flags = flags;
  if (ioctl(l->fd.load(), SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0) return true;
  if (errno == ENOENT) return false;
  exile::ThrowErrno(env, "ioctl(SECCOMP_IOCTL_NOTIF_SEND)", errno);
}

uint64_t Id(const Napi::Value& v) {
  bool lossless;
  return v.As<Napi::BigInt>().Uint64Value(&lossless);
}

Napi::Value Deny(const Napi::CallbackInfo& info) {
  Listener* l = Get(info);
  int error = info[2].As<Napi::Number>().Int32Value();
  return Napi::Boolean::New(info.Env(), Respond(info.Env(), l, Id(info[1]), error, 0));
}

Napi::Value Continue(const Napi::CallbackInfo& info) {
  Listener* l = Get(info);
  return Napi::Boolean::New(info.Env(), Respond(info.Env(), l, Id(info[1]), 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE));
}

bool Valid(Listener* l, uint64_t id) {
  return ioctl(l->fd.load(), SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

Napi::Value IsValid(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), Valid(Get(info), Id(info[1])));
}

// signal(id, tgid, sig): `sig` to the process of a notification, through a pidfd opened while the
// notification is still valid, so the pid cannot have been reused by then. False when the task
// is gone already.
Napi::Value Signal(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Listener* l = Get(info);
  uint64_t id = Id(info[1]);
  pid_t tgid = info[2].As<Napi::Number>().Int32Value();
  int sig = info[3].As<Napi::Number>().Int32Value();
  int pidfd = static_cast<int>(syscall(EXILE_NR_pidfd_open, tgid, 0));
  if (pidfd < 0) {
    if (errno == ESRCH) return Napi::Boolean::New(env, false);
    exile::ThrowErrno(env, "pidfd_open", errno);
  }
  bool sent = false;
  int err = 0;
  if (Valid(l, id)) {
    sent = syscall(EXILE_NR_pidfd_send_signal, pidfd, sig, nullptr, 0) == 0;
    if (!sent && errno != ESRCH) err = errno;
  }
  close(pidfd);
  if (err != 0) exile::ThrowErrno(env, "pidfd_send_signal", err);
  return Napi::Boolean::New(env, sent);
}

// readMemory(pid, address, max, stopAtNul) → Uint8Array | undefined: the notifying task's memory
// through /proc/PID/mem, page by page so a string ending before an unmapped page still reads.
Napi::Value ReadMemory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  pid_t pid = info[0].As<Napi::Number>().Int32Value();
  uint64_t at = Id(info[1]);
  size_t max = info[2].As<Napi::Number>().Uint32Value();
  bool nul = info[3].As<Napi::Boolean>().Value();
  std::string path = "/proc/" + std::to_string(pid) + "/mem";
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return env.Undefined();
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  std::vector<uint8_t> out;
  while (out.size() < max) {
    size_t chunk = std::min(max - out.size(), page - static_cast<size_t>(at % page));
    std::vector<uint8_t> buf(chunk);
    ssize_t n = pread(fd, buf.data(), chunk, static_cast<off_t>(at));
    if (n <= 0) break;
    buf.resize(static_cast<size_t>(n));
    if (nul) {
      auto end = std::find(buf.begin(), buf.end(), 0);
      out.insert(out.end(), buf.begin(), end);
      if (end != buf.end()) break;
    } else {
      out.insert(out.end(), buf.begin(), buf.end());
    }
    at += static_cast<uint64_t>(n);
  }
  close(fd);
  if (out.empty() && !nul) return env.Undefined();
  Napi::Uint8Array result = Napi::Uint8Array::New(env, out.size());
  std::memcpy(result.Data(), out.data(), out.size());
  return result;
}

// Closes every fd: calls still waiting, and later ones, fail (ENOSYS).
Napi::Value Close(const Napi::CallbackInfo& info) {
  Stop(info[0].As<Napi::External<Listener>>().Data());
  return info.Env().Undefined();
}

}  // namespace

namespace exile_listener {
void Register(Napi::Env env, Napi::Object exports) {
  exile::Exports(env, exports, {
    {"listenerOpen", Open}, {"listenerReleaseSocket", ReleaseSocket}, {"listenerDeny", Deny},
    {"listenerContinue", Continue}, {"listenerValid", IsValid}, {"listenerSignal", Signal},
    {"listenerClose", Close}, {"readMemory", ReadMemory},
  });
}
}  // namespace exile_listener
