/**
 * Coalesces Parameter Store reads into batched GetParameters calls.
 *
 * Parameter Store allows 40 GetParameter/GetParameters/GetParametersByPath requests per second
 * per account and region in total, shared by every pod, so kura never reads one parameter per
 * call when it can read ten. Every read asked for in the same turn of the event loop (a store's
 * first load, concurrent misses, and the refreshes the cache starts together) is queued here
 * and sent on the next microtask as one `AwsSource.getParameters` call per region. The source
 * splits that call into GetParameters requests of at most 10 names, never the same name twice.
 */
import type { AwsSource, GetParameterRequest, ParameterValue } from '../aws/types.js';

interface PendingRead {
  request: GetParameterRequest;
  resolve(value: ParameterValue): void;
  reject(error: unknown): void;
}

export class ParameterBatcher {
  readonly #getSource: () => AwsSource;
  #pending: PendingRead[] = [];

  constructor(getSource: () => AwsSource) {
    this.#getSource = getSource;
  }

  /** Queues one read; it is sent with every other read queued in the same turn. */
  read(request: GetParameterRequest): Promise<ParameterValue> {
    return new Promise((resolve, reject) => {
      if (this.#pending.length === 0) {
        queueMicrotask(() => this.#flush());
      }
      this.#pending.push({ request, resolve, reject });
    });
  }

  #flush(): void {
    const batch = this.#pending;
    this.#pending = [];

    const byRegion = new Map<string, PendingRead[]>();
    for (const read of batch) {
      const group = byRegion.get(read.request.region) ?? [];
      group.push(read);
      byRegion.set(read.request.region, group);
    }
    for (const group of byRegion.values()) {
      void this.#send(group);
    }
  }

  async #send(group: PendingRead[]): Promise<void> {
    try {
      const outcomes = await this.#getSource().getParameters(group.map((read) => read.request));
      group.forEach((read, index) => {
        const outcome = outcomes[index];
        if (outcome === undefined) {
          read.reject(new Error(`GetParameters returned no outcome for ${read.request.name}`));
        } else if (outcome.ok) {
          read.resolve(outcome.value);
        } else {
          read.reject(outcome.error);
        }
      });
    } catch (error) {
      for (const read of group) {
        read.reject(error);
      }
    }
  }
}
