#!/usr/bin/env node
// Runs the compiled CLI; `npm run build` (or `npm start`) compiles it first.
import('../dist/src/cli/main.js');
