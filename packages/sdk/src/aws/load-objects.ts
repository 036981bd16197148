/**
 * The load operation: every object of a SecretProviderClass fetched once, as the files the AWS
 * provider would write. All or nothing: any failure rejects the load and returns no file.
 */
import { KuraAwsError, KuraAwsNotFoundError, KuraConfigError } from '../errors.js';
import { extractJmesPath } from '../extract/extract-jmes-path.js';
import type { SecretProviderClass, SpcObject, VersionSelector } from '../spec/model.js';
import { createAwsSource } from './aws-source.js';
import { mapWithConcurrency } from './concurrency.js';
import type {
  AwsSource,
  GetParameterRequest,
  GetSecretValueRequest,
  LoadedFile,
  ParameterOutcome,
} from './types.js';

export interface LoadObjectsOptions {
  /** The AWS calls. Default: `createAwsSource()`, closed when the load ends. */
  source?: AwsSource;
  /**
   * The maximum number of GetSecretValue calls in progress at once. Default 8, so a load of 50
   * secrets takes 7 rounds of calls instead of one burst of 50.
   */
  concurrency?: number;
}

const defaultConcurrency = 8;

/** An object's fetched content and version, before jmesPath files are derived from it. */
interface FetchedObject {
  content: Uint8Array;
  version: string;
}

type AwsErrorClass = new (
  message: string,
  details: KuraAwsError['details'],
  retryable: boolean,
  options?: { cause?: unknown },
) => KuraAwsError;

const encoder = new TextEncoder();

/** Returns an error like `error` whose message and details also name the object. */
function withObject(error: unknown, object: SpcObject, note = ''): unknown {
  if (!(error instanceof KuraAwsError)) return error;

  const errorClass = error.constructor as AwsErrorClass;
  const message = `file ${object.fileName} (objects[${object.index}], objectName ${object.objectName}): ${error.message}${note}`;
  const details = { ...error.details, fileName: object.fileName, objectName: object.objectName };
  const options = error.cause === undefined ? {} : { cause: error.cause };
  return new errorClass(message, details, error.retryable, options);
}

function unsupportedSelector(object: SpcObject, selector: VersionSelector): KuraConfigError {
  return new KuraConfigError(
    `objects[${object.index}] (${object.objectName}): a ${selector.kind} selector does not apply ` +
      `to objectType ${object.objectType}. Parse the SecretProviderClass with parseSecretProviderClass.`,
  );
}

function secretRequest(
  object: SpcObject,
  secretId: string,
  selector: VersionSelector,
  region: string,
): GetSecretValueRequest {
  switch (selector.kind) {
    case 'latest':
      return { secretId, region };
    case 'versionId':
      return { secretId, region, versionId: selector.versionId };
    case 'versionStage':
      return { secretId, region, versionStage: selector.versionStage };
    case 'versionIdAndStage':
      return {
        secretId,
        region,
        versionId: selector.versionId,
        versionStage: selector.versionStage,
      };
    default:
      throw unsupportedSelector(object, selector);
  }
}

function parameterRequest(
  object: SpcObject,
  name: string,
  selector: VersionSelector,
  region: string,
): GetParameterRequest {
  switch (selector.kind) {
    case 'latest':
      return { name, region, withDecryption: true };
    case 'ssmVersion':
      return { name, region, version: selector.version, withDecryption: true };
    case 'ssmLabel':
      return { name, region, label: selector.label, withDecryption: true };
    default:
      throw unsupportedSelector(object, selector);
  }
}

/** Builds the request for the primary region, or for the failover region with `failoverObject`. */
function requestFor<R>(
  spc: SecretProviderClass,
  object: SpcObject,
  failover: boolean,
  build: (object: SpcObject, id: string, selector: VersionSelector, region: string) => R,
): R {
  if (!failover) return build(object, object.objectName, object.selector, spc.region);

  const target = object.failoverObject;
  const region = spc.failoverRegion as string;
  return target === undefined
    ? build(object, object.objectName, object.selector, region)
    : build(object, target.objectName, target.selector, region);
}

function failoverNote(primaryError: KuraAwsError, spc: SecretProviderClass): string {
  return ` (read from failoverRegion ${spc.failoverRegion} because ${spc.region} failed with ${primaryError.details.awsCode})`;
}

function shouldFailOver(error: unknown, spc: SecretProviderClass): error is KuraAwsError {
  return spc.failoverRegion !== undefined && error instanceof KuraAwsError && error.retryable;
}

async function fetchSecret(
  source: AwsSource,
  spc: SecretProviderClass,
  object: SpcObject,
): Promise<FetchedObject> {
  let value: Awaited<ReturnType<AwsSource['getSecretValue']>>;
  try {
    value = await source.getSecretValue(requestFor(spc, object, false, secretRequest));
  } catch (primaryError) {
    if (!shouldFailOver(primaryError, spc)) throw withObject(primaryError, object);
    try {
      value = await source.getSecretValue(requestFor(spc, object, true, secretRequest));
    } catch (failoverError) {
      throw withObject(failoverError, object, failoverNote(primaryError, spc));
    }
  }

  // A secret contains either SecretString (written as UTF-8) or SecretBinary (the raw bytes).
  const content = value.secretBinary ?? encoder.encode(value.secretString ?? '');
  return { content, version: value.versionId };
}

/** Lists every missing parameter in one error, so a user fixes them all at once. */
function missingParametersError(failures: { object: SpcObject; error: KuraAwsError }[]): unknown {
  const [first] = failures;
  if (first === undefined) return undefined;
  if (failures.length === 1 || !(first.error instanceof KuraAwsNotFoundError)) {
    return withObject(first.error, first.object);
  }

  const notFound = failures.filter((failure) => failure.error instanceof KuraAwsNotFoundError);
  const listed = notFound
    .map((failure) => `${failure.error.details.id} (file ${failure.object.fileName})`)
    .join(', ');
  return new KuraAwsNotFoundError(
    `${notFound.length} parameters not found in ${first.error.details.region}: ${listed}. ` +
      'Check their names, versions, labels and the region.',
    {
      ...first.error.details,
      id: notFound.map((failure) => failure.error.details.id).join(', '),
      fileName: first.object.fileName,
      objectName: first.object.objectName,
    },
    false,
  );
}

async function fetchParameters(
  source: AwsSource,
  spc: SecretProviderClass,
  objects: SpcObject[],
): Promise<FetchedObject[]> {
  if (objects.length === 0) return [];

  let outcomes: ParameterOutcome[];
  try {
    outcomes = await source.getParameters(
      objects.map((object) => requestFor(spc, object, false, parameterRequest)),
    );
  } catch (primaryError) {
    // A whole GetParameters call failed. It concerns several objects, so the error names the
    // call's parameters but no single file.
    if (!shouldFailOver(primaryError, spc)) throw primaryError;
    try {
      outcomes = await source.getParameters(
        objects.map((object) => requestFor(spc, object, true, parameterRequest)),
      );
    } catch (failoverError) {
      if (failoverError instanceof KuraAwsError) {
        failoverError.message += failoverNote(primaryError, spc);
      }
      throw failoverError;
    }
  }

  const failures: { object: SpcObject; error: KuraAwsError }[] = [];
  const fetched = outcomes.map((outcome, position) => {
    const object = objects[position] as SpcObject;
    if (!outcome.ok) {
      failures.push({ object, error: outcome.error });
      return undefined;
    }
    return {
      content: encoder.encode(outcome.value.value),
      version: String(outcome.value.version),
    };
  });

  if (failures.length > 0) throw missingParametersError(failures);
  return fetched as FetchedObject[];
}

function filesOf(object: SpcObject, fetched: FetchedObject): LoadedFile[] {
  const files: LoadedFile[] = [
    {
      fileName: object.fileName,
      objectName: object.objectName,
      objectIndex: object.index,
      content: fetched.content,
      version: fetched.version,
      filePermission: object.filePermission,
    },
  ];

  const extracted = extractJmesPath(fetched.content, object.jmesPath, object);
  object.jmesPath.forEach((entry, position) => {
    files.push({
      fileName: entry.fileName,
      objectName: object.objectName,
      objectIndex: object.index,
      jmesPath: entry.path,
      content: extracted[position] as Uint8Array,
      version: fetched.version,
      filePermission: entry.filePermission,
    });
  });
  return files;
}

/**
 * Fetches every object of the SecretProviderClass and returns its files in `objects` order,
 * each object's file followed by its jmesPath files. Secrets Manager objects cost one
 * GetSecretValue each (at most `concurrency` at once); Parameter Store objects are read with
 * GetParameters, ten names a call. When `failoverRegion` is set, an object whose primary read
 * fails with a retryable error is read there (as its `failoverObject`, when it has one).
 * Rejects with the first error and returns nothing when any object fails.
 */
export async function loadObjects(
  spc: SecretProviderClass,
  options: LoadObjectsOptions = {},
): Promise<LoadedFile[]> {
  const concurrency = options.concurrency ?? defaultConcurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new KuraConfigError(
      `loadObjects: concurrency must be a positive integer, got ${concurrency}. Omit it for the default of ${defaultConcurrency}.`,
    );
  }

  const source = options.source ?? createAwsSource();
  try {
    const secrets = spc.objects.filter((object) => object.objectType === 'secretsmanager');
    const parameters = spc.objects.filter((object) => object.objectType === 'ssmparameter');

    // Both kinds run side by side; allSettled keeps either from running on after a rejection.
    const [secretResults, parameterResults] = await Promise.allSettled([
      mapWithConcurrency(secrets, concurrency, (object) => fetchSecret(source, spc, object)),
      fetchParameters(source, spc, parameters),
    ]);
    if (secretResults.status === 'rejected') throw secretResults.reason;
    if (parameterResults.status === 'rejected') throw parameterResults.reason;

    const fetchedByIndex = new Map<number, FetchedObject>();
    secrets.forEach((object, position) => {
      fetchedByIndex.set(object.index, secretResults.value[position] as FetchedObject);
    });
    parameters.forEach((object, position) => {
      fetchedByIndex.set(object.index, parameterResults.value[position] as FetchedObject);
    });

    return spc.objects.flatMap((object) =>
      filesOf(object, fetchedByIndex.get(object.index) as FetchedObject),
    );
  } finally {
    if (options.source === undefined) source.close();
  }
}
