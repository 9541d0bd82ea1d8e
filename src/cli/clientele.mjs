#!/usr/bin/env node
// The `clientele` command (package.json "bin"): runs the TypeScript command line through tsx,
// so the app's own modules run as written, without a separate build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
