// A size-bucketed caching CPU allocator for libtorch. Under glibc malloc, a transformer's
// training step maps and unmaps its large activations every step (page faults, RSS growth of
// hundreds of MB per step); caching freed blocks by size class makes steady-state steps
// allocation-free and keeps RSS flat at the working set. jemalloc would do the same but cannot be
// dlopen'ed (static TLS), and requiring LD_PRELOAD would leak into every user's command line.
// MASKDIFF_ALLOCATOR=system keeps libtorch's default allocator; MASKDIFF_CACHE_MB caps the cache.
#include <c10/core/CPUAllocator.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

#include "handle.h"

namespace md {

static constexpr size_t kHeader = 64;       // keeps the 64-byte alignment libtorch expects
static constexpr size_t kSmall = 4096;      // smaller blocks go straight to malloc

struct Cache {
  std::mutex mu;
  std::unordered_map<size_t, std::vector<void*>> free;  // bucket size -> blocks (base pointers)
  size_t cachedBytes = 0;
  size_t limitBytes = size_t(4) << 30;
};
static Cache* g_cache = nullptr;

// Rounds n up to one of four size classes per power of two (at most 25% slack).
static size_t bucketOf(size_t n) {
  if (n <= kSmall) return n;
  size_t top = size_t(1) << (63 - __builtin_clzll(n));
  size_t step = top / 4;
  return (n + step - 1) / step * step;
}

static void cachedFree(void* data) {
  if (!data) return;
  void* base = static_cast<char*>(data) - kHeader;
  size_t size = *static_cast<size_t*>(base);
  if (size > kSmall) {
    std::lock_guard<std::mutex> lock(g_cache->mu);
    if (g_cache->cachedBytes + size <= g_cache->limitBytes) {
      g_cache->free[size].push_back(base);
      g_cache->cachedBytes += size;
      return;
    }
  }
  std::free(base);
}

static void* cachedAlloc(size_t n) {
  size_t size = bucketOf(n);
  if (size > kSmall) {
    std::lock_guard<std::mutex> lock(g_cache->mu);
    auto it = g_cache->free.find(size);
    if (it != g_cache->free.end() && !it->second.empty()) {
      void* base = it->second.back();
      it->second.pop_back();
      g_cache->cachedBytes -= size;
      return static_cast<char*>(base) + kHeader;
    }
  }
  void* base = nullptr;
  if (posix_memalign(&base, kHeader, size + kHeader) != 0) throw std::bad_alloc();
  *static_cast<size_t*>(base) = size;
  return static_cast<char*>(base) + kHeader;
}

struct CachingAllocator final : at::Allocator {
  at::DataPtr make(size_t n) const {
    void* p = n ? cachedAlloc(n) : nullptr;
    return {p, p, &cachedFree, at::Device(at::DeviceType::CPU)};
  }
  // libtorch 1.x declares allocate const, 2.x non-const: defining both compiles against either.
  at::DataPtr allocate(size_t n) const { return make(n); }
  at::DataPtr allocate(size_t n) { return make(n); }
  at::DeleterFnPtr raw_deleter() const override { return &cachedFree; }
  // Pure virtual since libtorch 2.3; an ordinary member before.
  void copy_data(void* dest, const void* src, std::size_t count) const { std::memcpy(dest, src, count); }
};

std::string installAllocator() {
  const char* want = std::getenv("MASKDIFF_ALLOCATOR");
  if (want && std::string(want) == "system") return "system";
  g_cache = new Cache();  // never freed: blocks may be released during process teardown
  if (const char* mb = std::getenv("MASKDIFF_CACHE_MB")) g_cache->limitBytes = std::strtoull(mb, nullptr, 10) << 20;
  static CachingAllocator alloc;
  c10::SetCPUAllocator(&alloc, 1);
  return "caching";
}

}  // namespace md
