#!/usr/bin/env node
// Entry point for the `recon` command: registers tsx so the TypeScript sources run directly.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli.ts');
