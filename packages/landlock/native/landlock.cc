// Thin Landlock syscall layer. Every struct is encoded by TypeScript (src/uapi.ts) and passed in
// as a buffer, so this file knows no access right, no struct layout and no ABI: it only performs
// the syscalls and reports each errno (exile::ThrowErrno → ERR_EXILE_SYSCALL in TypeScript).
#include <exile/napi.h>
#include <exile/syscall_numbers.h>

#include <cerrno>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <string>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

int FdArg(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().Int32Value(); }

// landlock_create_ruleset(NULL, 0, flags): the value, or -errno (the ABI probe must not throw).
Napi::Value Query(const Napi::CallbackInfo& info) {
  unsigned flags = info[0].As<Napi::Number>().Uint32Value();
  long r = syscall(EXILE_NR_landlock_create_ruleset, nullptr, 0, flags);
  return Napi::Number::New(info.Env(), static_cast<double>(r < 0 ? -errno : r));
}

// createRuleset(attr: Buffer) → ruleset fd. The buffer's length is the struct size for the ABI.
Napi::Value CreateRuleset(const Napi::CallbackInfo& info) {
  auto attr = info[0].As<Napi::Buffer<uint8_t>>();
  long fd = syscall(EXILE_NR_landlock_create_ruleset, attr.Data(), attr.Length(), 0);
  if (fd < 0) exile::ThrowErrno(info.Env(), "landlock_create_ruleset", errno);
  return Napi::Number::New(info.Env(), static_cast<double>(fd));
}

// addRule(rulesetFd, ruleType, attr: Buffer, flags)
Napi::Value AddRule(const Napi::CallbackInfo& info) {
  int fd = FdArg(info, 0);
  unsigned type = info[1].As<Napi::Number>().Uint32Value();
  auto attr = info[2].As<Napi::Buffer<uint8_t>>();
  unsigned flags = info[3].As<Napi::Number>().Uint32Value();
  if (syscall(EXILE_NR_landlock_add_rule, fd, type, attr.Data(), flags) < 0) exile::ThrowErrno(info.Env(), "landlock_add_rule", errno);
  return info.Env().Undefined();
}

// restrictSelf(rulesetFd, flags): the calling thread only (all threads with TSYNC, ABI >= 8).
Napi::Value RestrictSelf(const Napi::CallbackInfo& info) {
  int fd = FdArg(info, 0);
  unsigned flags = info[1].As<Napi::Number>().Uint32Value();
  if (syscall(EXILE_NR_landlock_restrict_self, fd, flags) < 0) exile::ThrowErrno(info.Env(), "landlock_restrict_self", errno);
  return info.Env().Undefined();
}

// openPath(path) → [fd, isDirectory]. O_PATH opens without read permission on the target and
// O_CLOEXEC keeps the fd out of children; fstat on an O_PATH fd is allowed.
Napi::Value OpenPath(const Napi::CallbackInfo& info) {
  std::string path = info[0].As<Napi::String>().Utf8Value();
  int fd = open(path.c_str(), O_PATH | O_CLOEXEC);
  if (fd < 0) exile::ThrowErrno(info.Env(), "open", errno);
  struct stat st {};
  if (fstat(fd, &st) < 0) {
    int err = errno;
    close(fd);
    exile::ThrowErrno(info.Env(), "fstat", err);
  }
  Napi::Array result = Napi::Array::New(info.Env(), 2);
  result.Set(0u, Napi::Number::New(info.Env(), fd));
  result.Set(1u, Napi::Boolean::New(info.Env(), S_ISDIR(st.st_mode)));
  return result;
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  if (close(FdArg(info, 0)) < 0) exile::ThrowErrno(info.Env(), "close", errno);
  return info.Env().Undefined();
}

// The calling thread only: used before a TSYNC restrict, which propagates it to the siblings.
Napi::Value NoNewPrivs(const Napi::CallbackInfo& info) {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) exile::ThrowErrno(info.Env(), "prctl", errno);
  return info.Env().Undefined();
}

// auditSubscribe() → a non-blocking NETLINK_AUDIT socket joined to the read-log multicast group
// (AUDIT_NLGRP_READLOG: a copy of every audit record, not rate-limited like the kernel log; the
// kernel asks CAP_AUDIT_READ), or -errno.
Napi::Value AuditSubscribe(const Napi::CallbackInfo& info) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT);
  if (fd < 0) return Napi::Number::New(info.Env(), -errno);
  struct sockaddr_nl addr {};
  addr.nl_family = AF_NETLINK;
  addr.nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1);
  if (bind(fd, reinterpret_cast<struct sockaddr*>(&addr), sizeof addr) < 0) {
    int err = errno;
    close(fd);
    return Napi::Number::New(info.Env(), -err);
  }
  // Room for a burst of records between two reads (the kernel drops what does not fit: ENOBUFS).
  int size = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  return Napi::Number::New(info.Env(), fd);
}

// auditRequest(type) → the kernel's reply to an empty audit netlink request of that type (one
// datagram, read within a second), or -errno. TypeScript reads the reply (AUDIT_GET: the status).
Napi::Value AuditRequest(const Napi::CallbackInfo& info) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
  if (fd < 0) return Napi::Number::New(info.Env(), -errno);
  struct nlmsghdr request {};
  request.nlmsg_len = NLMSG_LENGTH(0);
  request.nlmsg_type = static_cast<uint16_t>(info[0].As<Napi::Number>().Uint32Value());
  request.nlmsg_flags = NLM_F_REQUEST;
  request.nlmsg_seq = 1;
  struct sockaddr_nl kernel {};
  kernel.nl_family = AF_NETLINK;
  struct timeval wait {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  uint8_t reply[8192];
  ssize_t n = sendto(fd, &request, request.nlmsg_len, 0, reinterpret_cast<struct sockaddr*>(&kernel), sizeof kernel);
  if (n >= 0) n = recv(fd, reply, sizeof reply, 0);
  int err = errno;
  close(fd);
  if (n < 0) return Napi::Number::New(info.Env(), -err);
  return Napi::Buffer<uint8_t>::Copy(info.Env(), reply, static_cast<size_t>(n));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  return exile::Exports(env, exports, {
    {"auditRequest", AuditRequest}, {"auditSubscribe", AuditSubscribe}, {"query", Query},
    {"createRuleset", CreateRuleset}, {"addRule", AddRule}, {"restrictSelf", RestrictSelf},
    {"openPath", OpenPath}, {"close", Close}, {"noNewPrivs", NoNewPrivs},
  });
}

}  // namespace

NODE_API_MODULE(exile_landlock, Init)
