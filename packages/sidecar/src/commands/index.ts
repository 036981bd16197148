import type { Command } from './command.js';

/** Every subcommand, in the order `kura --help` lists them. */
export const commands: Command[] = [];
