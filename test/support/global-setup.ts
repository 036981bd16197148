/**
 * vitest global setup: starts one `moto_server` for the whole run and hands its endpoint to
 * every test file as `inject('motoEndpoint')`. Test files share it, so they name what they
 * create with `uniqueName()` from aws-env.ts.
 */
import type { TestProject } from 'vitest/node';
import { startMoto } from './moto.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>` of the shared moto_server. */
    motoEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The AWS SDK warns once per worker that its 2027 releases need Node 22; the warning is
  // unrelated to the tests and buries their output. Workers inherit this variable.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  const moto = await startMoto();
  project.provide('motoEndpoint', moto.endpoint);
  return () => moto.stop();
}
