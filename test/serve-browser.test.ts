// `maskdiff serve` in a real browser (Debian's Chromium driven by playwright-core): the sampling page picks a sampler,
// runs it and shows what `maskdiff sample` prints for the same seed, with the step count and NFE; the training page
// follows a run whose log is still being written and sees its curve grow.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { after, before, test } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import type { FastifyInstance } from "fastify";
import { RunLog } from "../src/train/run-log.js";
import { okJson, runCli } from "./helpers/cli.js";
import { startServer, tinyCheckpoint } from "./helpers/serve.js";

/** Debian's Chromium (scripts/setup.sh installs it); playwright's own browser download is not used. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let root = "";
let ckpt = "";
let browser: Browser;
let server: { app: FastifyInstance; url: string };

before(async () => {
  assert.ok(existsSync(CHROMIUM), `the browser tests need Chromium at ${CHROMIUM}: run scripts/setup.sh (apt-get install chromium) or set CHROMIUM_PATH`);
  root = mkdtempSync(join(tmpdir(), "maskdiff-serve-browser-"));
  const served = join(root, "served");
  mkdirSync(served);
  ckpt = tinyCheckpoint(served, "md4");
  server = await startServer({ checkpoints: served, runs: served, jobs: 1, queue: 2 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
});

after(async () => {
  await browser?.close();
  await server?.app.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A fresh page that fails the test on any script error. */
async function page(): Promise<Page> {
  const p = await browser.newPage({ viewport: { width: 1000, height: 640 } });
  p.on("pageerror", (e) => assert.fail(`page error: ${e.message}`));
  return p;
}

test("sampling page: pick a sampler, run, and see the CLI's samples, step count and NFE", async () => {
  const p = await page();
  await p.goto(server.url);
  await p.waitForSelector("#checkpoint option", { state: "attached" });
  await p.selectOption("#sampler", "confidence-prob");
  await p.waitForSelector('.sampler-option[data-key="temperature"]', { state: "attached" });
  await p.fill("#steps", "8");
  await p.fill("#n", "2");
  await p.fill("#seed", "3");
  await p.click("#run");
  await p.waitForSelector('#view[data-done="true"]', { timeout: 60_000 });
  const cli = okJson(runCli(["sample", "--checkpoint", ckpt, "--sampler", "confidence-prob", "--steps", "8", "--n", "2", "--seed", "3", "--json"]));
  assert.deepEqual(await p.locator("pre.final").allTextContents(), cli.samples);
  const cells = await p.locator("#sample-0 .cells .cell").allTextContents();
  assert.equal(cells.join(""), cli.samples[0], "the coloured cells spell the sample too");
  assert.equal(await p.textContent("#step-count"), "8");
  assert.equal(await p.textContent("#step-total"), "8");
  assert.equal(await p.textContent("#nfe"), String(cli.stats.nfe));
  assert.equal(await p.textContent("#nfe-non-cached"), String(cli.stats.nfeNonCached));
  // the scrubber replays: after the first event (the initial state) every cell is masked
  await p.locator("#scrubber").fill("1");
  assert.equal(await p.locator("#sequences .cell.masked").count(), 32);
  assert.equal(await p.textContent("#step-count"), "0");
  await p.locator("#scrubber").fill("2");
  const afterFirst = await p.locator("#sequences .cell.revealed").count();
  assert.ok(afterFirst > 0 && afterFirst < 32, `step 1 reveals some cells (${afterFirst})`);
  assert.equal(await p.textContent("#nfe"), "1");
  const shot = join(root, "sampling.png");
  await p.screenshot({ path: shot });
  assert.ok(statSync(shot).size > 5000);
  await p.close();
});

test("sampling page: a refused request shows the server's message", async () => {
  const p = await page();
  await p.goto(server.url);
  await p.waitForSelector("#checkpoint option", { state: "attached" });
  await p.check("#infill");
  await p.fill("#template", "ab#");
  await p.click("#run");
  await p.waitForSelector(".status.error");
  assert.match((await p.textContent("#status")) ?? "", /^400: --template: character "#" at position 2/);
  await p.close();
});

/** Points of the first line mark in the page's figure (the training loss). */
async function lossPoints(p: Page): Promise<number> {
  const d = (await p.locator("#plots .mark-line path").first().getAttribute("d")) ?? "";
  return (d.match(/L/g) ?? []).length + (d.startsWith("M") ? 1 : 0);
}

test("training page: the curves of a run still being written grow, with the run's config", async () => {
  const runDir = dirname(ckpt);
  const log = new RunLog(runDir, { resume: true });
  let step = 4;
  const write = (n: number): void => {
    for (let i = 0; i < n; i++, step++) log.write({ step, totalSteps: 100, loss: 2 - step / 100, lr: 1e-3 * Math.min(1, step / 10) });
  };
  write(5);
  try {
    const p = await page();
    await p.goto(`${server.url}train.html`);
    await p.waitForFunction(() => Number(document.getElementById("train-rows")?.textContent) >= 5);
    await p.waitForSelector("#plots svg");
    const before = await lossPoints(p);
    const rowsBefore = Number(await p.textContent("#train-rows"));
    assert.ok(before >= 5, `${before} points`);
    write(7);
    await p.waitForFunction((n) => Number(document.getElementById("train-rows")?.textContent) >= n + 7, rowsBefore, { timeout: 20_000 });
    await p.waitForFunction((n) => Number(document.getElementById("plots")?.dataset.rows) > n, rowsBefore, { timeout: 20_000 });
    assert.equal(await lossPoints(p), before + 7, "the loss curve gained the 7 new rows");
    const config = await p.locator("#config tr").allTextContents();
    assert.ok(config.includes('data.name"markov"'), config.join(" | "));
    assert.match((await p.textContent("#config-source")) ?? "", /ckpt-00000004/);
    assert.equal(relative(join(root, "served"), runDir), await p.inputValue("#run"));
    await p.close();
  } finally {
    log.close();
  }
});
