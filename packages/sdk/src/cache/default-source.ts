/** The AWS source a cache creates when the caller passes none. */
import { type AwsClientConfig, createAwsSource } from '../aws/aws-source.js';
import type { AwsSource } from '../aws/types.js';

export function createDefaultSource(clientConfig: AwsClientConfig): AwsSource {
  return createAwsSource({ clientConfig });
}
