{
  "targets": [
    {
      "target_name": "maskdiff_native",
      "sources": ["native/src/addon.cc", "native/src/ops.cc", "native/src/allocator.cc", "native/src/dist.cc"],
      "include_dirs": [
        "<!@(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node native/torch-config.cjs include)"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_CPP_EXCEPTIONS_ALL", "<!@(node native/torch-config.cjs defines)"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++14"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O2", "-Wno-deprecated-declarations", "-Wno-unused-parameter"],
      "ldflags": ["<!@(node native/torch-config.cjs ldflags)"],
      "libraries": ["<!@(node native/torch-config.cjs libs)", "-ldl"]
    }
  ]
}
