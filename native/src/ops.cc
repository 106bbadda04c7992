// Tensor operations exposed to JavaScript: one thin function per libtorch op.
#include "handle.h"

namespace md {

#define FN(name) static Napi::Value name(const Napi::CallbackInfo& info)
#define RET(expr) return guarded(info, OPNAME, [&]() -> Napi::Value { return wrap(info.Env(), (expr)); })

static int64_t I(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().Int64Value(); }
static double D(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().DoubleValue(); }
static bool B(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Boolean>().Value(); }
static std::string S(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::String>().Utf8Value(); }
static bool isT(const Napi::CallbackInfo& info, size_t i) { return i < info.Length() && info[i].IsExternal(); }

// ---- unary -------------------------------------------------------------------------------
#define UNARY(name, expr)                   \
  FN(name) {                                \
    static const char* OPNAME = #name;      \
    RET(([&] { auto& a = T(info, 0); return (expr); })()); \
  }
UNARY(neg, at::neg(a))
UNARY(exp, at::exp(a))
UNARY(log, at::log(a))
UNARY(log1p, at::log1p(a))
UNARY(expm1, at::expm1(a))
UNARY(sqrt, at::sqrt(a))
UNARY(rsqrt, at::rsqrt(a))
UNARY(abs, at::abs(a))
UNARY(square, at::mul(a, a))
UNARY(tanh, at::tanh(a))
UNARY(sigmoid, at::sigmoid(a))
UNARY(relu, at::relu(a))
UNARY(silu, at::silu(a))
UNARY(sin, at::sin(a))
UNARY(cos, at::cos(a))
UNARY(floor, at::floor(a))
UNARY(sign, at::sign(a))
UNARY(logicalNot, at::logical_not(a))
UNARY(detach, a.detach())
UNARY(clone, a.clone())
UNARY(contiguous, a.contiguous())

// gelu(a, approximate: 'none' | 'tanh')
FN(gelu) { static const char* OPNAME = "gelu"; RET(at::gelu(T(info, 0), S(info, 1))); }
// clamp(a, min|null, max|null)
FN(clamp) {
  static const char* OPNAME = "clamp";
  RET(at::clamp(T(info, 0), info[1].IsNumber() ? c10::optional<at::Scalar>(D(info, 1)) : c10::nullopt,
                info[2].IsNumber() ? c10::optional<at::Scalar>(D(info, 2)) : c10::nullopt));
}
// to(a, dtype|null, device|null)
FN(to) {
  static const char* OPNAME = "to";
  RET(([&] {
    at::Tensor r = T(info, 0);
    if (info[1].IsString()) r = r.to(dtypeOf(S(info, 1)));
    if (info[2].IsString()) r = r.to(at::Device(S(info, 2)));
    return r;
  })());
}

// ---- binary (second operand may be a number) ---------------------------------------------
#define BINARY(name, tt, ts)                                        \
  FN(name) {                                                        \
    static const char* OPNAME = #name;                              \
    RET(([&] {                                                      \
      auto& a = T(info, 0);                                         \
      if (isT(info, 1)) { auto& b = T(info, 1); return (tt); }      \
      at::Scalar b = scalar(info[1]);                               \
      return (ts);                                                  \
    })());                                                          \
  }
BINARY(add, at::add(a, b), at::add(a, b))
BINARY(sub, at::sub(a, b), at::sub(a, b))
BINARY(mul, at::mul(a, b), at::mul(a, b))
BINARY(div, at::div(a, b), at::div(a, b))
BINARY(pow, at::pow(a, b), at::pow(a, b))
BINARY(maximum, at::maximum(a, b), at::clamp_min(a, b))
BINARY(minimum, at::minimum(a, b), at::clamp_max(a, b))
BINARY(eq, at::eq(a, b), at::eq(a, b))
BINARY(ne, at::ne(a, b), at::ne(a, b))
BINARY(lt, at::lt(a, b), at::lt(a, b))
BINARY(le, at::le(a, b), at::le(a, b))
BINARY(gt, at::gt(a, b), at::gt(a, b))
BINARY(ge, at::ge(a, b), at::ge(a, b))
BINARY(logicalAnd, at::logical_and(a, b), at::logical_and(a, at::scalar_tensor(b, a.options())))
BINARY(logicalOr, at::logical_or(a, b), at::logical_or(a, at::scalar_tensor(b, a.options())))

// where(cond, a, b): a and b may be numbers
FN(where) {
  static const char* OPNAME = "where";
  RET(([&] {
    auto& c = T(info, 0);
    if (isT(info, 1) && isT(info, 2)) return at::where(c, T(info, 1), T(info, 2));
    if (isT(info, 1)) return at::where(c, T(info, 1), scalar(info[2]));
    if (isT(info, 2)) return at::where(c, scalar(info[1]), T(info, 2));
    return at::where(c, scalar(info[1]), scalar(info[2]));
  })());
}
// maskedFill(a, mask, value)
FN(maskedFill) { static const char* OPNAME = "maskedFill"; RET(at::masked_fill(T(info, 0), T(info, 1), scalar(info[2]))); }

// ---- matrix ------------------------------------------------------------------------------
FN(matmul) { static const char* OPNAME = "matmul"; RET(at::matmul(T(info, 0), T(info, 1))); }
FN(bmm) { static const char* OPNAME = "bmm"; RET(at::bmm(T(info, 0), T(info, 1))); }
// linear(x, weight, bias|null)
FN(linear) {
  static const char* OPNAME = "linear";
  RET(at::linear(T(info, 0), T(info, 1), isT(info, 2) ? c10::optional<at::Tensor>(T(info, 2)) : c10::nullopt));
}

// ---- reductions (dims: array, [] = all) --------------------------------------------------
static std::vector<int64_t> dimsOrAll(const Napi::CallbackInfo& info, size_t i) {
  auto d = ints(info, i);
  if (d.empty()) for (int64_t k = 0; k < T(info, 0).dim(); k++) d.push_back(k);
  return d;
}
// sum(a, dims, keepdim, dtype?): the sum accumulated and returned in dtype when given (e.g. float32 -> float64)
FN(sum) {
  static const char* OPNAME = "sum";
  RET(([&] {
    auto d = ints(info, 1);
    c10::optional<at::ScalarType> dt = info.Length() > 3 && info[3].IsString() ? c10::optional<at::ScalarType>(dtypeOf(S(info, 3))) : c10::nullopt;
    return d.empty() && !B(info, 2) ? at::sum(T(info, 0), dt) : at::sum(T(info, 0), dimsOrAll(info, 1), B(info, 2), dt);
  })());
}
FN(mean) {
  static const char* OPNAME = "mean";
  RET(([&] { auto d = ints(info, 1); return d.empty() && !B(info, 2) ? at::mean(T(info, 0)) : at::mean(T(info, 0), dimsOrAll(info, 1), B(info, 2)); })());
}
// max/min(a, dim|null, keepdim) -> values
FN(max) {
  static const char* OPNAME = "max";
  RET(info[1].IsNumber() ? std::get<0>(at::max(T(info, 0), I(info, 1), B(info, 2))) : at::max(T(info, 0)));
}
FN(min) {
  static const char* OPNAME = "min";
  RET(info[1].IsNumber() ? std::get<0>(at::min(T(info, 0), I(info, 1), B(info, 2))) : at::min(T(info, 0)));
}
// maxDim(a, dim, keepdim) -> [values, indices] (the first maximum's index on ties)
FN(maxDim) {
  return guarded(info, "maxDim", [&]() -> Napi::Value {
    auto r = at::max(T(info, 0), I(info, 1), B(info, 2));
    return wrapAll(info.Env(), {std::get<0>(r), std::get<1>(r)});
  });
}
// argmax(a, dim, keepdim)
FN(argmax) { static const char* OPNAME = "argmax"; RET(at::argmax(T(info, 0), I(info, 1), B(info, 2))); }
FN(logsumexp) { static const char* OPNAME = "logsumexp"; RET(at::logsumexp(T(info, 0), dimsOrAll(info, 1), B(info, 2))); }
FN(cumsum) { static const char* OPNAME = "cumsum"; RET(at::cumsum(T(info, 0), I(info, 1))); }
FN(softmax) { static const char* OPNAME = "softmax"; RET(at::softmax(T(info, 0), I(info, 1))); }
FN(logSoftmax) { static const char* OPNAME = "logSoftmax"; RET(at::log_softmax(T(info, 0), I(info, 1))); }
// sort(a, dim, descending, stable) -> [values, indices]; stable keeps equal elements in their order
FN(sort) {
  return guarded(info, "sort", [&]() -> Napi::Value {
    bool stable = info.Length() > 3 && info[3].IsBoolean() && B(info, 3);
    auto r = at::sort(T(info, 0), c10::optional<bool>(stable), I(info, 1), B(info, 2));
    return wrapAll(info.Env(), {std::get<0>(r), std::get<1>(r)});
  });
}
// topk(a, k, dim, largest) -> [values, indices]
FN(topk) {
  return guarded(info, "topk", [&]() -> Napi::Value {
    auto r = at::topk(T(info, 0), I(info, 1), I(info, 2), B(info, 3), true);
    return wrapAll(info.Env(), {std::get<0>(r), std::get<1>(r)});
  });
}

// searchsorted(sorted, values, right): per row of `sorted` (ascending along the last dim), the insertion index of each value
FN(searchsorted) {
  static const char* OPNAME = "searchsorted";
  RET(at::searchsorted(T(info, 0), T(info, 1), false, B(info, 2)));
}

// ---- indexing ----------------------------------------------------------------------------
FN(gather) { static const char* OPNAME = "gather"; RET(at::gather(T(info, 0), I(info, 1), T(info, 2))); }
// scatter(a, dim, index, src|number)
FN(scatter) {
  static const char* OPNAME = "scatter";
  RET(isT(info, 3) ? at::scatter(T(info, 0), I(info, 1), T(info, 2), T(info, 3))
                   : at::scatter(T(info, 0), I(info, 1), T(info, 2), scalar(info[3])));
}
FN(scatterAdd) { static const char* OPNAME = "scatterAdd"; RET(at::scatter_add(T(info, 0), I(info, 1), T(info, 2), T(info, 3))); }
FN(indexSelect) { static const char* OPNAME = "indexSelect"; RET(at::index_select(T(info, 0), I(info, 1), T(info, 2))); }
// embedding(weight, indices)
FN(embedding) { static const char* OPNAME = "embedding"; RET(at::embedding(T(info, 0), T(info, 1))); }

// ---- shape -------------------------------------------------------------------------------
FN(reshape) { static const char* OPNAME = "reshape"; RET(at::reshape(T(info, 0), ints(info, 1))); }
FN(permute) { static const char* OPNAME = "permute"; RET(T(info, 0).permute(ints(info, 1))); }
FN(transpose) { static const char* OPNAME = "transpose"; RET(at::transpose(T(info, 0), I(info, 1), I(info, 2))); }
FN(expand) { static const char* OPNAME = "expand"; RET(T(info, 0).expand(ints(info, 1))); }
FN(unsqueeze) { static const char* OPNAME = "unsqueeze"; RET(at::unsqueeze(T(info, 0), I(info, 1))); }
FN(squeeze) { static const char* OPNAME = "squeeze"; RET(at::squeeze(T(info, 0), I(info, 1))); }
// slice(a, dim, start, end, step)
FN(slice) { static const char* OPNAME = "slice"; RET(at::slice(T(info, 0), I(info, 1), I(info, 2), I(info, 3), I(info, 4))); }
FN(cat) { static const char* OPNAME = "cat"; RET(at::cat(tensorList(info, 0), I(info, 1))); }
FN(stack) { static const char* OPNAME = "stack"; RET(at::stack(tensorList(info, 0), I(info, 1))); }
// chunk(a, n, dim) -> handles
// viewAs(a, dtype): the same bytes read as another element type of the same size (a bit cast)
FN(viewAs) { static const char* OPNAME = "viewAs"; RET(T(info, 0).view(dtypeOf(S(info, 1)))); }
// shiftRight(a, bits): integer a >> bits
FN(shiftRight) { static const char* OPNAME = "shiftRight"; RET(at::bitwise_right_shift(T(info, 0), at::Scalar(I(info, 1)))); }
FN(chunk) {
  return guarded(info, "chunk", [&]() -> Napi::Value { return wrapAll(info.Env(), at::chunk(T(info, 0), I(info, 1), I(info, 2))); });
}

// ---- neural-network ops ------------------------------------------------------------------
// layerNorm(x, normalizedShape, weight|null, bias|null, eps)
FN(layerNorm) {
  static const char* OPNAME = "layerNorm";
  RET(at::layer_norm(T(info, 0), ints(info, 1), isT(info, 2) ? c10::optional<at::Tensor>(T(info, 2)) : c10::nullopt,
                     isT(info, 3) ? c10::optional<at::Tensor>(T(info, 3)) : c10::nullopt, D(info, 4), true));
}
// dropout(x, p, train)
FN(dropout) { static const char* OPNAME = "dropout"; RET(at::dropout(T(info, 0), D(info, 1), B(info, 2))); }
// crossEntropy(logits[N,C], target[N], reduction: 'mean'|'sum'|'none')
FN(crossEntropy) {
  static const char* OPNAME = "crossEntropy";
  RET(([&] {
    std::string r = S(info, 2);
    int64_t red = r == "none" ? at::Reduction::None : r == "sum" ? at::Reduction::Sum : at::Reduction::Mean;
    return at::cross_entropy_loss(T(info, 0), T(info, 1), c10::nullopt, red, -100, 0.0);
  })());
}

// ---- in place, used by optimizers under noGrad -------------------------------------------
#define INPLACE(name, body)                                             \
  FN(name) {                                                            \
    return guarded(info, #name, [&]() -> Napi::Value { body; return info.Env().Undefined(); }); \
  }
// addInPlace(a, b|number, alpha)
INPLACE(addInPlace, if (isT(info, 1)) T(info, 0).add_(T(info, 1), scalar(info[2])); else T(info, 0).add_(scalar(info[1]), scalar(info[2])))
INPLACE(mulInPlace, if (isT(info, 1)) T(info, 0).mul_(T(info, 1)); else T(info, 0).mul_(scalar(info[1])))
// addcmulInPlace(a, t1, t2, value), addcdivInPlace(a, t1, t2, value)
INPLACE(addcmulInPlace, T(info, 0).addcmul_(T(info, 1), T(info, 2), scalar(info[3])))
INPLACE(addcdivInPlace, T(info, 0).addcdiv_(T(info, 1), T(info, 2), scalar(info[3])))
// lerpInPlace(a, end, weight)
INPLACE(lerpInPlace, T(info, 0).lerp_(T(info, 1), scalar(info[2])))
INPLACE(copyInPlace, T(info, 0).copy_(T(info, 1)))
// indexCopyInPlace(a, dim, index, src): a[..., index[i], ...] = src[..., i, ...] along dim
INPLACE(indexCopyInPlace, T(info, 0).index_copy_(I(info, 1), T(info, 2), T(info, 3)))
INPLACE(fillInPlace, T(info, 0).fill_(scalar(info[1])))

void registerOps(Napi::Env env, Napi::Object e) {
#define REG(n) e.Set(#n, Napi::Function::New(env, n, #n))
  REG(neg); REG(exp); REG(log); REG(log1p); REG(expm1); REG(sqrt); REG(rsqrt); REG(abs); REG(square); REG(tanh);
  REG(sigmoid); REG(relu); REG(silu); REG(sin); REG(cos); REG(floor); REG(sign); REG(logicalNot); REG(detach);
  REG(clone); REG(contiguous); REG(gelu); REG(clamp); REG(to);
  REG(add); REG(sub); REG(mul); REG(div); REG(pow); REG(maximum); REG(minimum); REG(eq); REG(ne); REG(lt); REG(le);
  REG(gt); REG(ge); REG(logicalAnd); REG(logicalOr); REG(where); REG(maskedFill);
  REG(matmul); REG(bmm); REG(linear);
  REG(sum); REG(mean); REG(max); REG(min); REG(argmax); REG(logsumexp); REG(cumsum); REG(softmax); REG(logSoftmax);
  REG(sort); REG(topk); REG(maxDim); REG(searchsorted); REG(viewAs); REG(shiftRight);
  REG(gather); REG(scatter); REG(scatterAdd); REG(indexSelect); REG(embedding);
  REG(reshape); REG(permute); REG(transpose); REG(expand); REG(unsqueeze); REG(squeeze); REG(slice); REG(cat);
  REG(stack); REG(chunk);
  REG(layerNorm); REG(dropout); REG(crossEntropy);
  REG(addInPlace); REG(mulInPlace); REG(addcmulInPlace); REG(addcdivInPlace); REG(lerpInPlace); REG(copyInPlace); REG(indexCopyInPlace);
  REG(fillInPlace);
#undef REG
}

}  // namespace md
