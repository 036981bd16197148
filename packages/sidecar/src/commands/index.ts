import type { Command } from './command.js';
import { execCommand } from './exec.js';
import { fetchCommand } from './fetch.js';
import { getCommand } from './get.js';
import { renderSecretsCommand } from './render-secrets.js';
import { serveCommand } from './serve.js';
import { validateCommand } from './validate.js';

/** Every subcommand, in the order `kura --help` lists them. */
export const commands: Command[] = [
  serveCommand,
  fetchCommand,
  getCommand,
  execCommand,
  renderSecretsCommand,
  validateCommand,
];
