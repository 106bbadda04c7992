/** Neural-network building blocks on the tensor engine. */
export { Module } from "./module.js";
export { Linear, type LinearOptions } from "./linear.js";
export { Embedding } from "./embedding.js";
export { LayerNorm } from "./layer-norm.js";
export { SelfAttention, type LayerKv } from "./attention.js";
export { Mlp } from "./mlp.js";
export { DiTBlock, perPosition } from "./dit-block.js";
export { TimeEmbedding, sinusoidalEmbedding } from "./time-embedding.js";
export { rotaryTables, rotaryTablesAt, applyRotary } from "./rotary.js";
export { uniform, normal, zeroInit } from "./init.js";
