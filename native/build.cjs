// Builds the libtorch binding with node-gyp, using the system's Node headers when present
// (Debian ships them in /usr/include/node, so no header download is needed).
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

// Locate libtorch first, so that a missing one is its one explanatory paragraph rather than node-gyp's error trail.
const where = spawnSync(process.execPath, [path.join(__dirname, "torch-config.cjs"), "include"], { stdio: ["ignore", "ignore", "inherit"] });
if (where.status !== 0) process.exit(where.status ?? 1);

const gyp = require.resolve("node-gyp/bin/node-gyp.js");
const args = [gyp, "rebuild", "-j", "2"];
if (fs.existsSync("/usr/include/node/node.h")) args.push("--nodedir=/usr");
const r = spawnSync(process.execPath, args, { stdio: "inherit", cwd: path.join(__dirname, "..") });
process.exit(r.status ?? 1);
