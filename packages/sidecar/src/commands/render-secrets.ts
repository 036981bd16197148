/**
 * `kura render-secrets`: prints the Kubernetes Secrets the CSI driver would sync for the
 * secretObjects entries, as a YAML stream, for teams that still apply them.
 */
import {
  formatSecretsYaml,
  KuraConfigError,
  KuraError,
  KuraSpecReadError,
  openSecretStore,
  readSecretProviderClass,
  renderSecretObjects,
} from '@kura/sdk';
import {
  renderSecretObjectsOptionsHelp,
  resolveSecretObjectsConfig,
} from '../exec/secret-objects-config.js';
import { type Command, type CommandIo, ExitCode } from './command.js';

const usage = `Usage: kura render-secrets --spc FILE [options]

Prints, as a YAML stream on stdout, the Kubernetes Secret the CSI driver would create for each
secretObjects entry of the SecretProviderClass: labels with
secrets-store.csi.k8s.io/managed: "true", annotations, type and base64 data, with
kubernetes.io/tls entries split into tls.crt and tls.key. The output holds secret values:
pipe it to \`kubectl apply -f -\` rather than into a file or a log.

Options:
${renderSecretObjectsOptionsHelp('render-secrets')}

Exit codes:
  0  the Secrets were printed.
  1  an object could not be loaded, or an entry cannot become a Secret.
  2  invalid options, or an unreadable or invalid SecretProviderClass file.
`;

async function runRenderSecrets(args: string[], io: CommandIo): Promise<number> {
  try {
    const config = resolveSecretObjectsConfig('render-secrets', args, io.env);
    const spc = await readSecretProviderClass(config.spcPath, {
      ...(config.spcName === undefined ? {} : { spcName: config.spcName }),
      env: io.env,
    });
    const store = await openSecretStore({
      spc,
      ...(config.source === undefined ? {} : { source: config.source }),
      ...(config.mountDir === undefined ? {} : { mountDir: config.mountDir }),
    });
    let text: string;
    try {
      text = formatSecretsYaml(renderSecretObjects(spc, (fileName) => store.getBytes(fileName)));
    } finally {
      await store.close();
    }
    io.stdout.write(text);
    return ExitCode.ok;
  } catch (error) {
    const usageError = error instanceof KuraConfigError || error instanceof KuraSpecReadError;
    const code = error instanceof KuraError ? ` (${error.code})` : '';
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`kura render-secrets: ${message}${code}\n`);
    return usageError ? ExitCode.usage : ExitCode.failed;
  }
}

export const renderSecretsCommand: Command = {
  name: 'render-secrets',
  summary: 'Print the Secrets the CSI driver would sync for secretObjects, as YAML',
  usage,
  run: runRenderSecrets,
};
