#!/usr/bin/env node
/** docker-best: the generator without a global `yo` (`npx generator-docker-best`). The command is src/cli.ts. */
import { main } from '../src/cli.js';

await main(process.argv.slice(2));
