#!/usr/bin/env node
// Entry point for `npx overlab` / `npm link`: runs the compiled CLI (npm run build first).
import '../dist/harness/cli/main.js';
