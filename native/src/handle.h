// Tensor handles shared by the binding's translation units: wrapping at::Tensor into JS
// externals, reading arguments, and turning libtorch errors into JS errors.
#pragma once
#include <ATen/ATen.h>
#include <napi.h>

#include <string>
#include <vector>

namespace md {

// Heap box behind every JS tensor handle; `t` is reset when the tensor is disposed.
struct Holder {
  at::Tensor t;
  int64_t bytes = 0;
};

// Number of handles that are neither disposed nor collected.
int64_t liveCount();

// Wraps a tensor into a new JS handle (an External with a finalizer).
Napi::Value wrap(Napi::Env env, at::Tensor t);
// Releases the tensor behind a handle now; later use of the handle throws.
void release(Napi::Env env, Holder* h);
// The holder of argument i (throws a TypeError when it is not a tensor handle).
Holder* holder(const Napi::CallbackInfo& info, size_t i);
// The tensor of argument i (throws when it was disposed).
at::Tensor& T(const Napi::CallbackInfo& info, size_t i);
// A JS array of tensor handles as a vector of tensors.
std::vector<at::Tensor> tensorList(const Napi::CallbackInfo& info, size_t i);
// A JS array of integers as int64 values.
std::vector<int64_t> ints(const Napi::CallbackInfo& info, size_t i);
// A JS number or boolean as an at::Scalar.
at::Scalar scalar(const Napi::Value& v);
// A dtype name ('float32', 'float64', 'int64', 'int32', 'bool', 'uint8') as an at::ScalarType.
at::ScalarType dtypeOf(const std::string& name);
// The dtype name of a tensor.
std::string dtypeName(at::ScalarType t);
// Tensor options from a dtype name and a device string ('cpu', 'cuda', 'cuda:1').
at::TensorOptions options(const std::string& dtype, const std::string& device);
// A JS array of handles from a tuple or vector of tensors.
Napi::Value wrapAll(Napi::Env env, const std::vector<at::Tensor>& ts);

// Runs `f`, converting c10 and std exceptions (and anything else thrown) into a JS Error naming
// the op and (when `describe`) the shapes of the tensor arguments. Every exported function goes
// through it; as a second line of defence binding.gyp defines NODE_ADDON_API_CPP_EXCEPTIONS_ALL, so an
// exception escaping any callback becomes a JS Error instead of std::terminate (abort). Functions
// whose arguments hold externals other than tensors (process groups) pass describe = false.
std::string describeArgs(const Napi::CallbackInfo& info);
template <class F>
Napi::Value guarded(const Napi::CallbackInfo& info, const char* op, F&& f, bool describe = true) {
  auto where = [&] { return std::string(op) + (describe ? describeArgs(info) : std::string()); };
  try {
    return f();
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    std::string msg = e.what_without_backtrace();
    auto cut = msg.find("\nException raised from");
    if (cut != std::string::npos) msg = msg.substr(0, cut);
    throw Napi::Error::New(info.Env(), where() + ": " + msg);
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(info.Env(), where() + ": out of memory (std::bad_alloc)");
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), where() + ": " + e.what());
  } catch (...) {
    throw Napi::Error::New(info.Env(), where() + ": unknown native exception");
  }
}

void registerTensorFunctions(Napi::Env env, Napi::Object exports);
void registerOps(Napi::Env env, Napi::Object exports);
// Process groups and collectives (dist.cc).
void registerDistFunctions(Napi::Env env, Napi::Object exports);
// Installs the jemalloc-backed CPU allocator when available; returns the allocator's name.
std::string installAllocator();

}  // namespace md
