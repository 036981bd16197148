/** The AWS source a cache creates when the caller passes none. */
import type { AwsSource } from '../aws/types.js';
import type { AwsClientConfig } from './types.js';

export function createDefaultSource(clientConfig: AwsClientConfig): AwsSource {
  // TODO: replace with createAwsSource from aws/ once it lands.
  void clientConfig;
  throw new Error('createAwsSource is not available yet');
}
