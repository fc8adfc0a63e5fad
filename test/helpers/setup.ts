// Runs around every test: a request that reached the 500 path logs an error, and the
// test that caused it fails here, so "no request yields a 500" holds suite-wide.
import { afterEach, expect } from 'vitest';
import { loggedErrors } from './deps.ts';

afterEach(() => {
  const errors = loggedErrors.splice(0);
  expect(errors, 'unexpected server errors were logged').toEqual([]);
});
