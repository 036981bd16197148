import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { startMoto } from './moto.js';
import { createSeeder } from './seed.js';

describe('startMoto', () => {
  it('restarts on the same port with empty state', async () => {
    const moto = await startMoto();
    const seeder = createSeeder(moto.endpoint);
    const client = new SecretsManagerClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      maxAttempts: 1,
    });

    try {
      await seeder.createSecret('restart-test', 'before-restart');
      await moto.stop();
      const whileStopped = await client
        .send(new GetSecretValueCommand({ SecretId: 'restart-test' }))
        .catch((caught: unknown) => caught);
      await moto.restart();
      const afterRestart = await client
        .send(new GetSecretValueCommand({ SecretId: 'restart-test' }))
        .catch((caught: unknown) => caught);

      expect(whileStopped).toMatchObject({ code: 'ECONNREFUSED' });
      expect(afterRestart).toMatchObject({ name: 'ResourceNotFoundException' });
    } finally {
      seeder.close();
      client.destroy();
      await moto.stop();
    }
  });
});
