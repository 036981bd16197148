#!/usr/bin/env node
// Entry point kept outside dist/ so npm can link the bin before the first build.
import { runCli } from '../dist/cli.js';

// The AWS SDK warns on every run under Node.js 20 that its future releases will need Node.js 22.
// The SDK version in package-lock.json supports Node.js 20, so the CLI hides that warning unless
// the user set the SDK's own switch.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

runCli();
