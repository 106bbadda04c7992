// Data-parallel collectives on PyTorch's c10d: a TCPStore rendezvous and a process group on
// Gloo (CPU tensors) or NCCL (CUDA tensors, compiled only against a libtorch with CUDA and NCCL).
//
// Every collective blocks the calling (JavaScript main) thread until it completes, fails, or the
// group's time-out passes; the JS side never has work in flight across event-loop turns. Only the
// stable c10d surface is used (TCPStore(host, options), the process groups' constructors, and the
// allreduce/broadcast/allgather/barrier calls returning a Work to wait on), which libtorch 1.13 and
// 2.x share.
#include <ATen/core/grad_mode.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/distributed/c10d/Work.hpp>
#ifdef USE_C10D_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "handle.h"

namespace md {

// One process group: its rendezvous store, the backend's group, and what error messages name.
struct Group {
  c10::intrusive_ptr<c10d::Store> store;
#ifdef USE_C10D_GLOO
  c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
#endif
#ifdef USE_C10D_NCCL
  c10::intrusive_ptr<c10d::ProcessGroupNCCL> nccl;
#endif
  std::string backend;
  int rank = 0;
  int size = 1;
  // How long a collective waits (the rendezvous has its own time-out).
  std::chrono::milliseconds timeout{0};
  // Device of the scalar tensors of allGather ('cpu' for Gloo, 'cuda:k' for NCCL).
  at::Device device{at::kCPU};
  // Set when a collective failed: the group is unusable, and its destructor (which joins the
  // backend's threads, possibly stuck on a dead peer) must not run.
  bool broken = false;
  bool closed = false;
};

// The backends this build can create.
static std::vector<std::string> backends() {
  std::vector<std::string> b;
#ifdef USE_C10D_GLOO
  b.push_back("gloo");
#endif
#ifdef USE_C10D_NCCL
  b.push_back("nccl");
#endif
  return b;
}

// Drops a group's backend objects; a broken group's are leaked on purpose (see Group::broken).
static void closeGroup(Group* g) {
  if (g->closed) return;
  g->closed = true;
  if (g->broken) {
#ifdef USE_C10D_GLOO
    if (g->gloo) new c10::intrusive_ptr<c10d::ProcessGroupGloo>(std::move(g->gloo));
#endif
#ifdef USE_C10D_NCCL
    if (g->nccl) new c10::intrusive_ptr<c10d::ProcessGroupNCCL>(std::move(g->nccl));
#endif
    new c10::intrusive_ptr<c10d::Store>(std::move(g->store));
    return;
  }
#ifdef USE_C10D_GLOO
  g->gloo.reset();
#endif
#ifdef USE_C10D_NCCL
  g->nccl.reset();
#endif
  g->store.reset();
}

static Group* groupArg(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsExternal()) throw Napi::TypeError::New(info.Env(), "argument 0 is not a process group");
  Group* g = info[0].As<Napi::External<Group>>().Data();
  if (g->closed) throw std::invalid_argument("the process group was closed");
  if (g->broken) throw std::runtime_error("the process group is unusable: an earlier collective on it failed");
  return g;
}

// Runs `f` on the group's backend object (every backend has the same collective signatures).
template <class F>
static c10::intrusive_ptr<c10d::Work> onBackend(Group& g, F&& f) {
#ifdef USE_C10D_GLOO
  if (g.gloo) return f(*g.gloo);
#endif
#ifdef USE_C10D_NCCL
  if (g.nccl) return f(*g.nccl);
#endif
  throw std::logic_error("process group without a backend");
}

static std::string reason(const std::exception& e) {
  if (auto* c = dynamic_cast<const c10::Error*>(&e)) {
    std::string m = c->what_without_backtrace();
    auto cut = m.find("\nException raised from");
    return cut == std::string::npos ? m : m.substr(0, cut);
  }
  return e.what();
}

// Starts a collective with `start` and waits for it with the group's time-out; a failure marks the
// group broken and names the rank, the backend and the time-out.
template <class Start>
static void collective(Group& g, const char* what, Start&& start) {
  try {
    auto work = onBackend(g, start);
    work->wait(g.timeout);
  } catch (const std::exception& e) {
    g.broken = true;
    throw std::runtime_error(std::string(what) + " failed on rank " + std::to_string(g.rank) + " of " + std::to_string(g.size) +
                             " (" + g.backend + ", time-out " + std::to_string(g.timeout.count()) + " ms): " + reason(e) +
                             " -- a peer process exited, or stopped responding for longer than the time-out");
  }
}

// One contiguous buffer holding every tensor of a list (flattened, same dtype and device), or
// the single tensor itself when it is already contiguous.
static at::Tensor flatten(const std::vector<at::Tensor>& ts) {
  if (ts.empty()) throw std::invalid_argument("empty tensor list");
  for (const auto& t : ts)
    if (t.scalar_type() != ts[0].scalar_type() || t.device() != ts[0].device())
      throw std::invalid_argument("all tensors of one call must share dtype and device, got " + dtypeName(ts[0].scalar_type()) +
                                  "@" + ts[0].device().str() + " and " + dtypeName(t.scalar_type()) + "@" + t.device().str());
  if (ts.size() == 1 && ts[0].is_contiguous()) return ts[0].detach();
  std::vector<at::Tensor> flat;
  for (const auto& t : ts) flat.push_back(t.detach().reshape({-1}));
  return at::cat(flat);
}

// Copies a flattened buffer back into the tensors it was made from (no-op for the single-tensor case).
static void unflatten(const at::Tensor& buf, const std::vector<at::Tensor>& ts) {
  if (ts.size() == 1 && ts[0].is_contiguous()) return;
  int64_t off = 0;
  for (const auto& t : ts) {
    t.detach().copy_(buf.narrow(0, off, t.numel()).view(t.sizes()));
    off += t.numel();
  }
}

static int64_t intField(const Napi::Object& o, const char* key, int64_t lo, int64_t hi) {
  Napi::Value v = o.Get(key);
  double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : NAN;
  if (!(d >= lo && d <= hi) || d != static_cast<double>(static_cast<int64_t>(d)))
    throw std::invalid_argument(std::string(key) + " must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  return static_cast<int64_t>(d);
}

static std::string strField(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
}

// Builds the group's backend on its store (the ranks meet through the store, within `meet`).
static void createBackend(Group& g, const Napi::Object& o, std::chrono::milliseconds meet) {
#ifdef USE_C10D_GLOO
  if (g.backend == "gloo") {
    auto opts = c10d::ProcessGroupGloo::Options::create(std::max(meet, g.timeout));
    std::string iface = strField(o, "glooInterface"), hostname = strField(o, "glooHostname");
    opts->devices.push_back(!iface.empty() ? c10d::ProcessGroupGloo::createDeviceForInterface(iface)
                            : !hostname.empty() ? c10d::ProcessGroupGloo::createDeviceForHostname(hostname)
                                                : c10d::ProcessGroupGloo::createDefaultDevice());
    g.gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(g.store, g.rank, g.size, opts);
  }
#endif
#ifdef USE_C10D_NCCL
  if (g.backend == "nccl") {
    // Blocking wait: a collective's wait() returns or throws on the host within the time-out.
    setenv("TORCH_NCCL_BLOCKING_WAIT", "1", 0);
    setenv("NCCL_BLOCKING_WAIT", "1", 0);
    auto opts = c10d::ProcessGroupNCCL::Options::create();
    opts->timeout = std::max(meet, g.timeout);
    g.nccl = c10::make_intrusive<c10d::ProcessGroupNCCL>(g.store, g.rank, g.size, opts);
  }
#endif
}

#define FN(name) static Napi::Value name(const Napi::CallbackInfo& info)

// distBackends() -> the backend names this build supports
FN(distBackends) {
  return guarded(info, "distBackends", [&]() -> Napi::Value {
    auto b = backends();
    auto arr = Napi::Array::New(info.Env(), b.size());
    for (size_t i = 0; i < b.size(); i++) arr.Set(i, Napi::String::New(info.Env(), b[i]));
    return arr;
  }, false);
}

// distCreate({backend, host, port, worldSize, rank, timeoutMs, rendezvousTimeoutMs?, storeIsServer?, storePrefix?,
//             device, glooInterface, glooHostname})
// Rank 0 serves the TCPStore at host:port (unless storeIsServer says otherwise: under torchrun's agent store every
// rank is a client, with keys under storePrefix); all ranks then build the group through it.
FN(distCreate) {
  return guarded(info, "distCreate", [&]() -> Napi::Value {
    if (info.Length() < 1 || !info[0].IsObject()) throw std::invalid_argument("expected an options object");
    auto o = info[0].As<Napi::Object>();
    auto g = std::make_unique<Group>();
    g->backend = strField(o, "backend");
    g->size = static_cast<int>(intField(o, "worldSize", 1, 1 << 20));
    g->rank = static_cast<int>(intField(o, "rank", 0, g->size - 1));
    g->timeout = std::chrono::milliseconds(intField(o, "timeoutMs", 1, int64_t(1) << 40));
    auto meet = o.Get("rendezvousTimeoutMs").IsUndefined() ? g->timeout
                                                          : std::chrono::milliseconds(intField(o, "rendezvousTimeoutMs", 1, int64_t(1) << 40));
    std::string dev = strField(o, "device");
    if (!dev.empty()) g->device = at::Device(dev);
    auto b = backends();
    if (std::find(b.begin(), b.end(), g->backend) == b.end()) {
      std::string have;
      for (const auto& n : b) have += (have.empty() ? "" : ", ") + n;
      throw std::invalid_argument("backend '" + g->backend + "' is not available in this build (available: " +
                                  (have.empty() ? "none" : have) + ")");
    }
    c10d::TCPStoreOptions so;
    so.port = static_cast<std::uint16_t>(intField(o, "port", 1, 65535));
    Napi::Value server = o.Get("storeIsServer");
    so.isServer = server.IsBoolean() ? server.As<Napi::Boolean>().Value() : g->rank == 0;
    so.numWorkers = static_cast<std::size_t>(g->size);
    so.waitWorkers = false;  // the backend's own rendezvous below waits for every rank, with the same time-out
    so.timeout = meet;
    std::string host = strField(o, "host");
    try {
      g->store = c10::make_intrusive<c10d::TCPStore>(host, so);
      std::string prefix = strField(o, "storePrefix");
      if (!prefix.empty()) g->store = c10::make_intrusive<c10d::PrefixStore>(prefix, g->store);
      createBackend(*g, o, meet);
    } catch (const std::exception& e) {
      throw std::runtime_error("rendezvous at " + host + ":" + std::to_string(so.port) + " failed on rank " + std::to_string(g->rank) +
                               " of " + std::to_string(g->size) + " within " + std::to_string(meet.count()) + " ms: " + reason(e));
    }
    return Napi::External<Group>::New(info.Env(), g.release(), [](Napi::Env, Group* p) {
      closeGroup(p);
      delete p;
    });
  }, false);
}

// distAllReduce(group, tensors, op: 'sum' | 'avg' | 'max' | 'min'): in place, as one flattened buffer
FN(distAllReduce) {
  return guarded(info, "distAllReduce", [&]() -> Napi::Value {
    Group& g = *groupArg(info);
    auto ts = tensorList(info, 1);
    std::string op = info[2].IsString() ? info[2].As<Napi::String>().Utf8Value() : "";
    c10d::AllreduceOptions opts;
    if (op == "sum" || op == "avg") opts.reduceOp = c10d::ReduceOp::SUM;
    else if (op == "max") opts.reduceOp = c10d::ReduceOp::MAX;
    else if (op == "min") opts.reduceOp = c10d::ReduceOp::MIN;
    else throw std::invalid_argument("unknown reduction '" + op + "' (expected sum, avg, max or min)");
    at::NoGradGuard noGrad;
    at::Tensor buf = flatten(ts);
    if (op == "avg" && !at::isFloatingType(buf.scalar_type())) throw std::invalid_argument("avg needs floating-point tensors");
    std::vector<at::Tensor> v{buf};
    collective(g, "all-reduce", [&](auto& pg) { return pg.allreduce(v, opts); });
    if (op == "avg") buf.div_(g.size);
    unflatten(buf, ts);
    return info.Env().Undefined();
  }, false);
}

// distBroadcast(group, tensors, root): in place, as one flattened buffer
FN(distBroadcast) {
  return guarded(info, "distBroadcast", [&]() -> Napi::Value {
    Group& g = *groupArg(info);
    auto ts = tensorList(info, 1);
    c10d::BroadcastOptions opts;
    opts.rootRank = static_cast<int64_t>(info[2].As<Napi::Number>().Int64Value());
    if (opts.rootRank < 0 || opts.rootRank >= g.size)
      throw std::invalid_argument("root " + std::to_string(opts.rootRank) + " is not a rank of a group of " + std::to_string(g.size));
    at::NoGradGuard noGrad;
    at::Tensor buf = flatten(ts);
    std::vector<at::Tensor> v{buf};
    collective(g, "broadcast", [&](auto& pg) { return pg.broadcast(v, opts); });
    unflatten(buf, ts);
    return info.Env().Undefined();
  }, false);
}

// distAllGather(group, value) -> every rank's number, by rank (float64)
FN(distAllGather) {
  return guarded(info, "distAllGather", [&]() -> Napi::Value {
    Group& g = *groupArg(info);
    double value = info[1].As<Napi::Number>().DoubleValue();
    auto o = at::TensorOptions().dtype(at::kDouble).device(g.device);
    std::vector<at::Tensor> in{at::full({1}, value, o)};
    std::vector<std::vector<at::Tensor>> out(1);
    for (int r = 0; r < g.size; r++) out[0].push_back(at::empty({1}, o));
    collective(g, "all-gather", [&](auto& pg) { return pg.allgather(out, in); });
    auto arr = Napi::Array::New(info.Env(), g.size);
    for (int r = 0; r < g.size; r++) arr.Set(r, Napi::Number::New(info.Env(), out[0][r].item<double>()));
    return arr;
  }, false);
}

// distBarrier(group): returns once every rank reached it
FN(distBarrier) {
  return guarded(info, "distBarrier", [&]() -> Napi::Value {
    Group& g = *groupArg(info);
    c10d::BarrierOptions opts;
    opts.timeout = g.timeout;
    collective(g, "barrier", [&](auto& pg) { return pg.barrier(opts); });
    return info.Env().Undefined();
  }, false);
}

// distClose(group): releases the group now (later use throws)
FN(distClose) {
  return guarded(info, "distClose", [&]() -> Napi::Value {
    if (info.Length() < 1 || !info[0].IsExternal()) throw Napi::TypeError::New(info.Env(), "argument 0 is not a process group");
    closeGroup(info[0].As<Napi::External<Group>>().Data());
    return info.Env().Undefined();
  }, false);
}

void registerDistFunctions(Napi::Env env, Napi::Object e) {
#define REG(n) e.Set(#n, Napi::Function::New(env, n, #n))
  REG(distBackends); REG(distCreate); REG(distAllReduce); REG(distBroadcast); REG(distAllGather); REG(distBarrier);
  REG(distClose);
#undef REG
}

}  // namespace md
