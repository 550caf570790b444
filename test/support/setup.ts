// Runs before every test file (vitest setupFiles): remembers whether a test of this file
// failed, so that testDatabase().end() keeps that file's databases for inspection.
import { beforeEach } from 'vitest';
import { markFileFailed } from './db.js';

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => markFileFailed());
});
