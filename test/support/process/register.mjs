// `node --import ./test/support/process/register.mjs src/main.ts`: the BFF from source (swc-hooks.mjs).
import { register } from 'node:module';

register('./swc-hooks.mjs', import.meta.url);
