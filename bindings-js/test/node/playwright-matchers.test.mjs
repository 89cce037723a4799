// The `expect` matchers of `ssert/playwright`, called the way @playwright/test calls them: they
// validate the recording and say which findings made them pass or fail.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { matchers } from 'ssert/playwright';
import { sessionWithIds } from '../shared/recordings.js';

const clean = sessionWithIds(['1', '2', '3']);
const repeated = sessionWithIds(['1', '2', '2']);

it('toBeValidEventStream passes a clean recording and lists the findings of a bad one', async () => {
  const pass = await matchers.toBeValidEventStream(clean);
  assert.equal(pass.pass, true);
  assert.equal(pass.name, 'toBeValidEventStream');
  assert.match(pass.message(), /^expected the event streams to fail validation, but they passed \(3 events, 0 reconnects; 0 errors/);
  // All three events arrived in one chunk: the timing rules did not run, and the message says so.
  assert.match(pass.message(), /\n {2}not checked SSE305 heartbeat \(connection 0\): the whole body arrived at the same time/);

  const fail = await matchers.toBeValidEventStream(repeated);
  assert.equal(fail.pass, false);
  const lines = fail.message().split('\n');
  assert.match(lines[0], /^expected the event streams to pass validation \(3 events, 0 reconnects; 1 errors, /);
  assert.match(lines[1], /^ {2}error SSE303 duplicate-id \(connection 0, event 2, byte \d+\): id "2" was already used in this connection$/);
});

it('toBeValidEventStream takes validate() options', async () => {
  const relaxed = await matchers.toBeValidEventStream(repeated, { disable: ['duplicate-id'] });
  assert.equal(relaxed.pass, true);
  const strict = await matchers.toBeValidEventStream(clean, { fail_on: 'info', enable: ['event-type'], event_types: { allowed: ['tick'] } });
  assert.equal(strict.pass, false);
  assert.match(strict.message(), /SSE307 event-type/);
});

it('toHaveFinding matches a rule by code or by name', async () => {
  for (const rule of ['SSE303', 'sse303', 'duplicate-id']) {
    const result = await matchers.toHaveFinding(repeated, rule);
    assert.equal(result.pass, true, rule);
    assert.match(result.message(), new RegExp(`^expected no ${rule} finding \\(3 events`));
  }
  const absent = await matchers.toHaveFinding(clean, 'resume-point');
  assert.equal(absent.pass, false);
  assert.match(absent.message(), /^expected a resume-point finding \(3 events, 0 reconnects; 0 errors, \d+ warnings, \d+ infos\)/);
});

it('toHaveFinding refuses a rule the core does not know, so a misspelt one cannot pass with .not', async () => {
  await assert.rejects(matchers.toHaveFinding(clean, 'resume_point'), /no rule is called "resume_point"/);
  await assert.rejects(matchers.toHaveFinding(clean, 'Resume-Point'), TypeError);
});

it('the matchers refuse what is not a recording', async () => {
  await assert.rejects(matchers.toBeValidEventStream({ connections: [] }), TypeError);
  await assert.rejects(matchers.toHaveFinding(undefined, 'SSE101'), TypeError);
});

it('toHaveFinding sees a finding the report only counted (window.findings), so .not cannot pass on it', async () => {
  const options = { ids: { order: 'integer' }, window: { findings: 2 } };
  // Kept: SSE105 and the id-order finding; the duplicate id comes later and is only counted.
  const dropped = await matchers.toHaveFinding(sessionWithIds(['2', '1', '1']), 'duplicate-id', options);
  assert.equal(dropped.pass, true);
  assert.match(dropped.message(), /\n {2}error SSE303 duplicate-id/);
  const listed = await matchers.toBeValidEventStream(sessionWithIds(['2', '1', '1']), options);
  assert.match(listed.message(), /\n {2}and \d+ more findings, counted but not kept \(window\.findings\)/);
});

it('.not.toHaveFinding sees a rule not checked on a connection whose note the report only counted', async () => {
  // No finding to keep, and the connection's notes past window.findings (0) only counted: the
  // matcher validates again to learn that heartbeat was not checked.
  const options = { window: { findings: 0 }, disable: ['x-accel-buffering', 'buffered-transport'] };
  const counted = await matchers.toHaveFinding.call({ isNot: true }, clean, 'heartbeat', options);
  assert.equal(counted.pass, true);
  assert.match(counted.message(), /heartbeat could not be checked everywhere \(the whole body arrived at the same time/);
  const listed = await matchers.toBeValidEventStream(clean, options);
  assert.match(listed.message(), /\n {2}and 2 more not-checked notes, counted but not kept \(window\.findings\)/);
});

it("the matchers check each stream of a recorder, and say which stream a finding is in", async () => {
  const recorder = { recordings: async () => [clean, repeated] };
  const valid = await matchers.toBeValidEventStream(recorder);
  assert.equal(valid.pass, false);
  const lines = valid.message().split('\n');
  assert.match(lines[0], /^expected the event streams to pass validation \(2 streams, 6 events, 0 reconnects; 1 errors, /);
  assert.ok(lines.includes('  stream 1 (http://127.0.0.1:9/feed):'), lines.join('\n'));
  assert.match(lines[lines.indexOf('  stream 1 (http://127.0.0.1:9/feed):') + 1], /^ {4}error SSE303 duplicate-id/);
  assert.equal((await matchers.toHaveFinding(recorder, 'SSE303')).pass, true);
  assert.equal((await matchers.toBeValidEventStream({ recordings: async () => [clean, clean] })).pass, true);
  // A recorder that recorded nothing cannot pass (or fail) anything.
  for (const check of [matchers.toBeValidEventStream({ recordings: async () => [] }), matchers.toHaveFinding({ recordings: async () => [] }, 'SSE303')]) {
    await assert.rejects(check, (error) => error.name === 'UsageError' && error.code === 'NO_STREAMS');
  }
});

it('.not.toHaveFinding fails when the rule could not have reported anything', async () => {
  // Called as @playwright/test calls a negated matcher: `this.isNot`, and `pass: true` fails.
  const negated = { isNot: true };
  const off = await matchers.toHaveFinding.call(negated, clean, 'event-type');
  assert.equal(off.pass, true);
  assert.match(off.message(), /^expected no event-type finding, but event-type does not run under these options/);
  const on = await matchers.toHaveFinding.call(negated, clean, 'event-type', { event_types: { allowed: ['message'] } });
  assert.equal(on.pass, false);
  const disabled = await matchers.toHaveFinding.call(negated, clean, 'SSE303', { disable: ['duplicate-id'] });
  assert.equal(disabled.pass, true);
  // One chunk: every event at one instant, so the heartbeat rule was not checked.
  const unchecked = await matchers.toHaveFinding.call(negated, clean, 'heartbeat');
  assert.equal(unchecked.pass, true);
  assert.match(unchecked.message(), /heartbeat could not be checked everywhere \(the whole body arrived at the same time/);
  // A rule that ran and found nothing: the negated assertion holds.
  assert.equal((await matchers.toHaveFinding.call(negated, clean, 'resume-point')).pass, false);
  // Not negated, nothing changes: absent is a plain failure.
  assert.equal((await matchers.toHaveFinding(clean, 'event-type')).pass, false);
});
