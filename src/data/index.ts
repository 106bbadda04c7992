/** Data: character text, datasets and batching, the fortunes corpus, text8, n-gram baselines, the Markov oracle. */
export * from "./atomic-write.js";
export * from "./batch-reader.js";
export * from "./char-dataset.js";
export * from "./char-text.js";
export * from "./corpus.js";
export * from "./dataset.js";
export * from "./eval-chunks.js";
export * from "./fortunes-prepare.js";
export * from "./gamma.js";
export * from "./markov-dataset.js";
export * from "./markov.js";
export * from "./ngram.js";
export * from "./paths.js";
export * from "./registry.js";
export * from "./text-file.js";
export * from "./text8.js";
