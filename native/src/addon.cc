// Module entry, tensor handles, creation, reading back, autograd, RNG and runtime settings.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <mutex>
#include <sstream>

#include "handle.h"

#if __has_include(<torch/version.h>)
#include <torch/version.h>
#endif
#ifndef TORCH_VERSION
#define TORCH_VERSION "unknown"
#endif

namespace md {

static std::atomic<int64_t> g_live{0};

int64_t liveCount() { return g_live.load(); }

static int64_t sizeOf(const at::Tensor& t) {
  return t.defined() && t.device().is_cpu() ? static_cast<int64_t>(t.numel() * t.element_size()) : 0;
}

// Tensor memory is reported to V8 in quanta of kReportQuantum bytes: per-tensor reports of the
// short-lived activations of a training step made V8 run a major GC every few ops.
static constexpr int64_t kReportQuantum = int64_t(256) << 20;
static int64_t g_unreported = 0;

static void reportExternal(Napi::Env env, int64_t delta) {
  g_unreported += delta;
  if (g_unreported >= kReportQuantum || g_unreported <= -kReportQuantum) {
    Napi::MemoryManagement::AdjustExternalMemory(env, g_unreported);
    g_unreported = 0;
  }
}

void release(Napi::Env env, Holder* h) {
  if (!h->t.defined()) return;
  h->t = at::Tensor();
  reportExternal(env, -h->bytes);
  h->bytes = 0;
  g_live--;
}

Napi::Value wrap(Napi::Env env, at::Tensor t) {
  auto* h = new Holder{std::move(t), 0};
  h->bytes = sizeOf(h->t);
  g_live++;
  reportExternal(env, h->bytes);
  return Napi::External<Holder>::New(env, h, [](Napi::Env e, Holder* p) {
    release(e, p);
    delete p;
  });
}

Napi::Value wrapAll(Napi::Env env, const std::vector<at::Tensor>& ts) {
  auto arr = Napi::Array::New(env, ts.size());
  for (size_t i = 0; i < ts.size(); i++) arr.Set(i, wrap(env, ts[i]));
  return arr;
}

Holder* holder(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsExternal())
    throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(i) + " is not a tensor");
  return info[i].As<Napi::External<Holder>>().Data();
}

at::Tensor& T(const Napi::CallbackInfo& info, size_t i) {
  Holder* h = holder(info, i);
  if (!h->t.defined()) throw Napi::Error::New(info.Env(), "tensor used after it was disposed");
  return h->t;
}

std::vector<at::Tensor> tensorList(const Napi::CallbackInfo& info, size_t i) {
  auto arr = info[i].As<Napi::Array>();
  std::vector<at::Tensor> out;
  for (uint32_t k = 0; k < arr.Length(); k++) {
    Napi::Value v = arr.Get(k);
    if (!v.IsExternal()) throw Napi::TypeError::New(info.Env(), "list element " + std::to_string(k) + " is not a tensor");
    auto* h = v.As<Napi::External<Holder>>().Data();
    if (!h->t.defined()) throw Napi::Error::New(info.Env(), "tensor used after it was disposed");
    out.push_back(h->t);
  }
  return out;
}

std::vector<int64_t> ints(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsArray()) throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(i) + " must be an array of integers");
  auto arr = info[i].As<Napi::Array>();
  std::vector<int64_t> out(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); k++) out[k] = arr.Get(k).As<Napi::Number>().Int64Value();
  return out;
}

at::Scalar scalar(const Napi::Value& v) {
  if (v.IsBoolean()) return at::Scalar(v.As<Napi::Boolean>().Value());
  double d = v.As<Napi::Number>().DoubleValue();
  // Integral numbers are integer scalars, so int tensors stay int (as in PyTorch); floats stay float.
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.007199254740992e15) return at::Scalar(static_cast<int64_t>(d));
  return at::Scalar(d);
}

at::ScalarType dtypeOf(const std::string& n) {
  if (n == "float32") return at::kFloat;
  if (n == "float64") return at::kDouble;
  if (n == "int64") return at::kLong;
  if (n == "int32") return at::kInt;
  if (n == "bool") return at::kBool;
  if (n == "uint8") return at::kByte;
  throw std::invalid_argument("unknown dtype '" + n + "' (expected float32, float64, int64, int32, bool or uint8)");
}

std::string dtypeName(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return "float32";
    case at::kDouble: return "float64";
    case at::kLong: return "int64";
    case at::kInt: return "int32";
    case at::kBool: return "bool";
    case at::kByte: return "uint8";
    default: return c10::toString(t);
  }
}

at::TensorOptions options(const std::string& dtype, const std::string& device) {
  return at::TensorOptions().dtype(dtypeOf(dtype)).device(at::Device(device));
}

std::string describeArgs(const Napi::CallbackInfo& info) {
  std::ostringstream s;
  s << "(";
  bool first = true;
  auto one = [&](const Napi::Value& v) {
    if (!first) s << ", ";
    first = false;
    if (v.IsExternal()) {
      auto* h = v.As<Napi::External<Holder>>().Data();
      if (!h->t.defined()) { s << "<disposed>"; return; }
      s << dtypeName(h->t.scalar_type()) << h->t.sizes();
      if (!h->t.device().is_cpu()) s << "@" << h->t.device();
    } else if (v.IsNumber()) {
      s << v.As<Napi::Number>().DoubleValue();
    } else if (v.IsString()) {
      s << "'" << v.As<Napi::String>().Utf8Value() << "'";
    } else if (v.IsBoolean()) {
      s << (v.As<Napi::Boolean>().Value() ? "true" : "false");
    } else if (v.IsArray()) {
      auto a = v.As<Napi::Array>();
      s << "[";
      for (uint32_t k = 0; k < a.Length() && k < 8; k++) {
        Napi::Value e = a.Get(k);
        if (k) s << ", ";
        if (e.IsExternal()) {
          auto* h = e.As<Napi::External<Holder>>().Data();
          if (h->t.defined()) s << dtypeName(h->t.scalar_type()) << h->t.sizes(); else s << "<disposed>";
        } else if (e.IsNumber()) {
          s << e.As<Napi::Number>().Int64Value();
        } else {
          s << "?";
        }
      }
      if (a.Length() > 8) s << ", ...";
      s << "]";
    } else {
      s << "_";
    }
  };
  for (size_t i = 0; i < info.Length(); i++) one(info[i]);
  s << ")";
  return s.str();
}

#define FN(name) static Napi::Value name(const Napi::CallbackInfo& info)

// A number as JavaScript would print it (std::to_string pads doubles with zeros).
static std::string jsNumber(double d) {
  std::ostringstream s;
  s.precision(17);
  s << d;
  return s.str();
}

// fromBuffer(typedArray, shape, dtype, device)
FN(fromBuffer) {
  return guarded(info, "fromBuffer", [&]() -> Napi::Value {
    auto ta = info[0].As<Napi::TypedArray>();
    auto shape = ints(info, 1);
    auto dt = dtypeOf(info[2].As<Napi::String>().Utf8Value());
    int64_t n = 1;
    for (auto d : shape) n *= d;
    size_t esize = c10::elementSize(dt);
    if (static_cast<size_t>(n) * esize != ta.ByteLength())
      throw std::invalid_argument("data holds " + std::to_string(ta.ByteLength()) + " bytes but shape needs " +
                                  std::to_string(n * esize));
    auto t = at::empty(shape, at::TensorOptions().dtype(dt));
    if (n) std::memcpy(t.data_ptr(), static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset(), n * esize);
    std::string dev = info[3].As<Napi::String>().Utf8Value();
    if (dev != "cpu") t = t.to(at::Device(dev));
    return wrap(info.Env(), t);
  });
}

// toBuffer(t, dtype?) -> ArrayBuffer holding the (converted) elements in row-major order
FN(toBuffer) {
  return guarded(info, "toBuffer", [&]() -> Napi::Value {
    at::Tensor t = T(info, 0).detach();
    if (info.Length() > 1 && info[1].IsString()) t = t.to(dtypeOf(info[1].As<Napi::String>().Utf8Value()));
    t = t.to(at::kCPU).contiguous();
    size_t n = t.numel() * t.element_size();
    auto buf = Napi::ArrayBuffer::New(info.Env(), n);
    if (n) std::memcpy(buf.Data(), t.data_ptr(), n);
    return buf;
  });
}

FN(item) {
  return guarded(info, "item", [&]() -> Napi::Value {
    return Napi::Number::New(info.Env(), T(info, 0).item().toDouble());
  });
}

// full(shape, value, dtype, device)
FN(full) {
  return guarded(info, "full", [&]() -> Napi::Value {
    auto o = options(info[2].As<Napi::String>().Utf8Value(), info[3].As<Napi::String>().Utf8Value());
    return wrap(info.Env(), at::full(ints(info, 0), scalar(info[1]), o));
  });
}

// arange(start, end, step, dtype, device)
FN(arange) {
  return guarded(info, "arange", [&]() -> Napi::Value {
    auto o = options(info[3].As<Napi::String>().Utf8Value(), info[4].As<Napi::String>().Utf8Value());
    return wrap(info.Env(), at::arange(scalar(info[0]), scalar(info[1]), scalar(info[2]), o));
  });
}

// rand/randn(shape, dtype, device)
FN(rand) {
  return guarded(info, "rand", [&]() -> Napi::Value {
    auto o = options(info[1].As<Napi::String>().Utf8Value(), info[2].As<Napi::String>().Utf8Value());
    return wrap(info.Env(), at::rand(ints(info, 0), o));
  });
}
FN(randn) {
  return guarded(info, "randn", [&]() -> Napi::Value {
    auto o = options(info[1].As<Napi::String>().Utf8Value(), info[2].As<Napi::String>().Utf8Value());
    return wrap(info.Env(), at::randn(ints(info, 0), o));
  });
}
// randint(low, high, shape, dtype, device)
FN(randint) {
  return guarded(info, "randint", [&]() -> Napi::Value {
    auto o = options(info[3].As<Napi::String>().Utf8Value(), info[4].As<Napi::String>().Utf8Value());
    return wrap(info.Env(), at::randint(info[0].As<Napi::Number>().Int64Value(), info[1].As<Napi::Number>().Int64Value(),
                                        ints(info, 2), o));
  });
}
// multinomial(probs, n, replacement)
FN(multinomial) {
  return guarded(info, "multinomial", [&]() -> Napi::Value {
    return wrap(info.Env(), at::multinomial(T(info, 0), info[1].As<Napi::Number>().Int64Value(),
                                            info[2].As<Napi::Boolean>().Value()));
  });
}

FN(manualSeed) {
  return guarded(info, "manualSeed", [&]() -> Napi::Value {
    // Accepts integers 0 <= seed < 2^64 (a BigInt) or 0 <= seed <= 2^53 - 1 (a number); anything
    // else used to be truncated or wrapped silently, aliasing distinct seeds.
    bool lossless = true;
    uint64_t seed = 0;
    if (info[0].IsBigInt()) {
      seed = info[0].As<Napi::BigInt>().Uint64Value(&lossless);
      if (!lossless) throw std::invalid_argument("seed must be an integer in [0, 2^64 - 1]");
    } else if (info[0].IsNumber()) {
      double d = info[0].As<Napi::Number>().DoubleValue();
      if (!std::isfinite(d) || d != std::floor(d) || d < 0 || d > 9007199254740991.0)
        throw std::invalid_argument("seed must be an integer in [0, 2^53 - 1] (pass a BigInt for larger seeds), got " +
                                    jsNumber(d));
      seed = static_cast<uint64_t>(d);
    } else {
      throw std::invalid_argument("seed must be a number or a BigInt");
    }
    at::manual_seed(seed);
    return info.Env().Undefined();
  });
}

FN(getRngState) {
  return guarded(info, "getRngState", [&]() -> Napi::Value {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    return wrap(info.Env(), gen.get_state());
  });
}

FN(setRngState) {
  return guarded(info, "setRngState", [&]() -> Napi::Value {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(T(info, 0));
    return info.Env().Undefined();
  });
}

FN(shape) {
  return guarded(info, "shape", [&]() -> Napi::Value {
    const at::Tensor& t = T(info, 0);
    auto arr = Napi::Array::New(info.Env(), t.dim());
    for (int64_t i = 0; i < t.dim(); i++) arr.Set(static_cast<uint32_t>(i), Napi::Number::New(info.Env(), static_cast<double>(t.size(i))));
    return arr;
  });
}
FN(dtype) {
  return guarded(info, "dtype", [&]() -> Napi::Value { return Napi::String::New(info.Env(), dtypeName(T(info, 0).scalar_type())); });
}
FN(device) {
  return guarded(info, "device", [&]() -> Napi::Value { return Napi::String::New(info.Env(), T(info, 0).device().str()); });
}
FN(isDisposed) {
  return guarded(info, "isDisposed", [&]() -> Napi::Value { return Napi::Boolean::New(info.Env(), !holder(info, 0)->t.defined()); });
}
FN(dispose) {
  return guarded(info, "dispose", [&]() -> Napi::Value {
    release(info.Env(), holder(info, 0));
    return info.Env().Undefined();
  });
}
FN(live) { return Napi::Number::New(info.Env(), static_cast<double>(liveCount())); }

FN(requiresGrad) {
  return guarded(info, "requiresGrad", [&]() -> Napi::Value { return Napi::Boolean::New(info.Env(), T(info, 0).requires_grad()); });
}
FN(setRequiresGrad) {
  return guarded(info, "setRequiresGrad", [&]() -> Napi::Value {
    T(info, 0).set_requires_grad(info[1].As<Napi::Boolean>().Value());
    return info.Env().Undefined();
  });
}
// grad(t) -> handle or null
FN(grad) {
  return guarded(info, "grad", [&]() -> Napi::Value {
    const at::Tensor& g = T(info, 0).grad();
    if (!g.defined()) return info.Env().Null();
    return wrap(info.Env(), g);
  });
}
FN(clearGrad) {
  return guarded(info, "clearGrad", [&]() -> Napi::Value {
    T(info, 0).mutable_grad() = at::Tensor();
    return info.Env().Undefined();
  });
}
// backward(t, gradient?)
FN(backward) {
  return guarded(info, "backward", [&]() -> Napi::Value {
    at::Tensor g;
    if (info.Length() > 1 && info[1].IsExternal()) g = T(info, 1);
    T(info, 0).backward(g);
    return info.Env().Undefined();
  });
}
FN(setGradEnabled) {
  return guarded(info, "setGradEnabled", [&]() -> Napi::Value {
    bool prev = c10::GradMode::is_enabled();
    c10::GradMode::set_enabled(info[0].As<Napi::Boolean>().Value());
    return Napi::Boolean::New(info.Env(), prev);
  });
}
FN(isGradEnabled) { return Napi::Boolean::New(info.Env(), c10::GradMode::is_enabled()); }

FN(setNumThreads) {
  return guarded(info, "setNumThreads", [&]() -> Napi::Value {
    double n = info[0].As<Napi::Number>().DoubleValue();
    if (!std::isfinite(n) || n != std::floor(n) || n < 1 || n > 1024)
      throw std::invalid_argument("the thread count must be an integer from 1 to 1024, got " + jsNumber(n));
    at::set_num_threads(static_cast<int>(n));
    return info.Env().Undefined();
  });
}
FN(getNumThreads) {
  return guarded(info, "getNumThreads", [&]() -> Napi::Value { return Napi::Number::New(info.Env(), at::get_num_threads()); });
}
FN(hasCuda) {
  return guarded(info, "hasCuda", [&]() -> Napi::Value { return Napi::Boolean::New(info.Env(), at::hasCUDA()); });
}

void registerTensorFunctions(Napi::Env env, Napi::Object e) {
#define REG(n) e.Set(#n, Napi::Function::New(env, n, #n))
  REG(fromBuffer); REG(toBuffer); REG(item); REG(full); REG(arange); REG(rand); REG(randn); REG(randint);
  REG(multinomial); REG(manualSeed); REG(getRngState); REG(setRngState); REG(shape); REG(dtype); REG(device);
  REG(isDisposed); REG(dispose); REG(live); REG(requiresGrad); REG(setRequiresGrad); REG(grad); REG(clearGrad);
  REG(backward); REG(setGradEnabled); REG(isGradEnabled); REG(setNumThreads); REG(getNumThreads); REG(hasCuda);
#undef REG
}

}  // namespace md

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  std::string alloc = md::installAllocator();
  md::registerTensorFunctions(env, exports);
  md::registerOps(env, exports);
  md::registerDistFunctions(env, exports);
  exports.Set("torchVersion", Napi::String::New(env, TORCH_VERSION));
  exports.Set("allocator", Napi::String::New(env, alloc));
  return exports;
}

NODE_API_MODULE(maskdiff_native, Init)
