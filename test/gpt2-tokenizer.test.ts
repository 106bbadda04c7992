// GPT-2 BPE through js-tiktoken: known ids, the EOS convention, and encode/decode round trips on arbitrary Unicode.
import assert from "node:assert/strict";
import { test } from "node:test";
import { GPT2_EOS, GPT2_MASK_ID, GPT2_VOCAB_SIZE, gpt2Decode, gpt2Encode } from "../src/data/gpt2-tokenizer.js";
import { Rng } from "../src/engine/rng.js";

test("gpt2: the published ids of common strings, EOS = 50256, vocabulary 50257", () => {
  // Ids from GPT-2's own vocabulary (encoder.json): "Hello" 15496, " world" 995, "!" 0.
  assert.deepEqual(gpt2Encode("Hello world!"), [15496, 995, 0]);
  assert.equal(GPT2_EOS, 50256);
  assert.equal(GPT2_VOCAB_SIZE, 50257);
  assert.equal(gpt2Decode([GPT2_EOS]), "<|endoftext|>");
  // The special token's text inside a document is ordinary text, never the EOS id.
  const ids = gpt2Encode("a<|endoftext|>b");
  assert.ok(!ids.includes(GPT2_EOS), `encoded as ${ids}`);
  assert.equal(gpt2Decode(ids), "a<|endoftext|>b");
  assert.equal(gpt2Decode([15496, GPT2_MASK_ID, 995]), "Hello[MASK] world");
  assert.throws(() => gpt2Decode([GPT2_MASK_ID + 1]), /50258 at position 0 is not a GPT-2 token id/);
  assert.throws(() => gpt2Decode([-1]), /not a GPT-2 token id/);
});

test("gpt2: encode then decode returns the text for emoji, CJK, combining marks, controls and random valid strings", () => {
  const fixed = [
    "", " ", "\n\n\t", "日本語のテキストと中文", "👩‍👩‍👧‍👦 family, 🏳️‍🌈 flag", "e\u0301 n\u0303 a\u0308\u0323", "\u0000\u0001\u007f", "Ünïcödé — “quotes” … ½",
    "  leading and trailing spaces  ", "mixed 123 4567 89.0e-3", "עברית العربية हिन्दी",
  ];
  for (const s of fixed) assert.equal(gpt2Decode(gpt2Encode(s)), s, JSON.stringify(s));
  const rng = new Rng(7);
  const decoder = new TextDecoder("utf-8"); // invalid byte sequences become U+FFFD: any result is a valid string
  for (let k = 0; k < 200; k++) {
    const bytes = Uint8Array.from({ length: 1 + rng.int(60) }, () => rng.int(256));
    const s = decoder.decode(bytes);
    assert.equal(gpt2Decode(gpt2Encode(s)), s, `random string ${k}: ${JSON.stringify(s)}`);
  }
  for (let k = 0; k < 100; k++) {
    const cps = Array.from({ length: 1 + rng.int(20) }, () => {
      const c = rng.int(0x10ffff);
      return c >= 0xd800 && c <= 0xdfff ? 0x20 : c; // lone surrogates are not text
    });
    const s = String.fromCodePoint(...cps);
    assert.equal(gpt2Decode(gpt2Encode(s)), s, `random code points ${k}`);
  }
});
