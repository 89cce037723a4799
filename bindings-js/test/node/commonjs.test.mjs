// `require('ssert')` from CommonJS code (a Jest setup, a Playwright config without "type": "module"):
// the package is ESM only, which Node loads through `require()` from 20.19 and 22.12 on, as long
// as the module graph has no top-level await. The Node entry point must keep it that way.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import process from 'node:process';

const require = createRequire(import.meta.url);
const skip = process.features.require_module ? false : `this Node (${process.version}) cannot require() ES modules`;

it('require() loads ssert and ssert/playwright', { skip }, () => {
  const { parse, createParser } = require('ssert');
  assert.equal(parse('id: 7\ndata: hi\n\n').events[0].id, '7');
  assert.equal(typeof createParser, 'function');
  const { mockEventStream, matchers } = require('ssert/playwright');
  assert.equal(typeof mockEventStream, 'function');
  assert.equal(typeof matchers.toBeValidEventStream, 'function');
});
