#!/usr/bin/env node
// The `fair` command: registers tsx so the TypeScript sources run as they are, then starts the CLI.
import { register } from 'tsx/esm/api';

register();
// The AWS SDK warns on every S3 use that its 2027 releases will need Node 22; we pin the SDK, so the note is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
await import('../src/cli/main.ts');
