#!/usr/bin/env node
'use strict';
// The compiled CLI lives in dist/ (npm run build, also run by npm ci through "prepare").
let cli;
try {
  cli = require('../dist/cli/main.js');
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/main.js')) {
    process.stderr.write('error [NOT_BUILT]: the CLI is not compiled yet. Run `npm run build` in the project folder.\n');
    process.exit(1);
  }
  throw error;
}
cli.main();
