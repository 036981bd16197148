#!/usr/bin/env node
// Entry point kept outside dist/ so npm can link the bin before the first build.
import { runCli } from '../dist/cli.js';

runCli();
